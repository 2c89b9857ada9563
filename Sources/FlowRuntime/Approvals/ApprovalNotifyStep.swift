public import FlowEngine
public import Steps

extension StepSignature {
    /// The runtime's notice of an approval to one approver (an approval state's `notify`/`remind`):
    /// the approver's signed decision link through WhatsApp (`twilio.send_template`) or a webhook
    /// (`http.request`). Called by the interpreter only; flows declare `notify:` instead.
    public static let approvalNotify = StepSignature(
        name: ApprovalNoticeBook.step,
        summary: "Send one approver a signed decision link of an approval, by WhatsApp template or webhook",
        parameters: [
            .init("approval", .string, "the interpreter's approval id"),
            .init("approver", .string, "who the link decides as"),
            .init("channel", .string, "whatsapp or webhook"),
            .init("purpose", .string, "request, reminder or escalation"),
            .init("request", .object, "the approval's request"),
            .init("expires_at", .any, required: false, "the approval's expiry"),
            .init("to", .string, required: false, "whatsapp: the approver's number (E.164)"),
            .init("content_sid", .string, required: false, "whatsapp: the Content template (HX…)"),
            .init("variables", .object, required: false, "whatsapp: template variables over {1: summary, 2: link}"),
            .init("url", .string, required: false, "webhook: where to POST"),
            .init("credential", .string, required: false, "webhook: a configured HTTP credential's name"),
        ],
        result: .object,
        sideEffects: true,
        errors: [.transient, .permanent, .notFound, .timeout, .invalidResponse],
        // WhatsApp: Twilio's message list says whether it was sent; a webhook carries the call's
        // `Idempotency-Key`, so it is sent again.
        inDoubt: .lookup
    )
}

/// `approval.notify`: makes the approver's link (`ApprovalLinks`) and sends it through the
/// provider step of the channel, so the ledger, retries and in-doubt lookups are theirs. The link
/// is in the message only: not in the call's arguments, its result or the timeline.
public struct ApprovalNotifyStep: Step {
    public static let signature = StepSignature.approvalNotify

    public let links: ApprovalLinks
    private let whatsapp = TwilioSendTemplateStep()
    private let webhook = HTTPRequestStep()

    public init(links: ApprovalLinks) {
        self.links = links
    }

    public func run(_ call: StepCall, context: StepContext) async -> StepOutcome {
        do throws(StepFailure) {
            let (channel, delegated) = try delegate(call, context: context)
            let outcome: StepOutcome
            if channel == "whatsapp" {
                outcome = await whatsapp.run(delegated, context: context)
            } else {
                outcome = await webhook.run(delegated, context: context)
            }
            guard case .success(let value) = outcome else { return outcome }
            let args = StepArguments(call.arguments)
            return .success(.object([
                "approver": .string(try args.string("approver")), "channel": .string(channel),
                "purpose": .string(try args.string("purpose")), "result": value,
            ]))
        } catch {
            return .failure(error)
        }
    }

    public func lookUp(_ call: StepCall, context: StepContext, since: Instant) async -> EffectLookup {
        guard let (channel, delegated) = try? delegate(call, context: context), channel == "whatsapp" else {
            return .notHappened
        }
        return await whatsapp.lookUp(delegated, context: context, since: since)
    }

    /// The channel and the provider step's call, with the approver's link.
    private func delegate(_ call: StepCall, context: StepContext) throws(StepFailure) -> (String, StepCall) {
        let args = StepArguments(call.arguments)
        let approvalID = try args.string("approval")
        let approver = try args.string("approver")
        let channel = try args.string("channel")
        let request = try args.optionalObject("request") ?? [:]
        let expiresAt = call.arguments["expires_at"].flatMap { $0.instantValue ?? $0.stringValue.flatMap(Instant.init(iso8601:)) }
        guard let instanceID = context.instanceID else {
            throw StepFailure(.permanent, code: "step.bad_context", message: "approval.notify runs inside an instance only")
        }
        let recordID = ApprovalRecord.id(instanceID: instanceID, approvalID: approvalID)
        let link = links.url(for: .init(approval: recordID, approver: approver, expiresAt: expiresAt,
                                        nonce: ApprovalLinks.nonce()))
        let summary = request["summary"]?.stringValue ?? request["kind"]?.stringValue ?? "approval"
        switch channel {
        case "whatsapp":
            var variables: [String: Value] = ["1": .string(summary), "2": .string(link)]
            for (key, value) in try args.optionalObject("variables") ?? [:] { variables[key] = value }
            return (channel, StepCall(
                arguments: ["to": .string(try args.string("to")), "content_sid": .string(try args.string("content_sid")),
                            "variables": .object(variables)],
                idempotencyKey: call.idempotencyKey, attempt: call.attempt))
        case "webhook":
            var arguments: [String: Value] = [
                "method": "POST", "url": .string(try args.string("url")),
                "body": .object([
                    "approval": .string(recordID), "approver": .string(approver),
                    "purpose": call.arguments["purpose"] ?? .null, "link": .string(link), "request": .object(request),
                    "expires_at": expiresAt.map { .string($0.iso8601) } ?? .null,
                ]),
            ]
            if let credential = try args.optionalString("credential") { arguments["credential"] = .string(credential) }
            return (channel, StepCall(arguments: arguments, idempotencyKey: call.idempotencyKey, attempt: call.attempt))
        default:
            throw .badArgument("channel", "must be whatsapp or webhook")
        }
    }
}
