public import FlowEngine
public import FlowRuntime
public import Logging
public import Steps

/// `notify.send`: claims (trip, type, key) in the notification log **before** sending and applies the
/// caps in the same atomic store operation (`NotificationLog.claimNotification(_:caps:)`: racing sends
/// never exceed a cap), then sends the template through `twilio.send_template`. A duplicate claim
/// sends nothing.
///
/// Result: `{status: sent|duplicate|suppressed|failed, type, key, to, template, variables, sid?, reason?}`.
///
/// **Store failures** are the runtime's infrastructure errors, not provider failures: `perform`
/// throws them when they happen before the send (claim, caps, suppression), so the executor
/// abandons the transition — no retry attempt is spent, nothing was sent — and the call is
/// re-issued after the lease. After the provider answered, the answer is the result: a log
/// update that then fails is logged and the row keeps `claimed`, resolved on a re-issue.
///
/// **Re-issued calls.** In a durable run the call goes through the runtime's effect ledger like every
/// side-effecting step; its in-doubt policy is `resend` because it deduplicates itself: an attempt
/// the ledger already knew runs with `StepContext.rerun`, so it knows it ran before (as does any
/// attempt after the first; a different call of the same instance with the same claim is a plain
/// duplicate). It then reads its own claim (same instance): `retrying` sends again (the provider refused the last attempt);
/// `sent` answers the recorded send without sending; `suppressed`/`failed` answer as recorded;
/// `claimed` is in doubt (a crash or store failure around the send) and is resolved by Twilio's
/// message list: a message to the traveller since the claim means it was sent, none means send.
/// A claim of another instance is a `duplicate`.
public struct NotifySendStep<Store: NotificationLog>: Step {
    public static var signature: StepSignature { .notifySend }

    public let store: Store
    public let twilio: TwilioSendTemplateStep

    public init(store: Store, twilio: TwilioSendTemplateStep = TwilioSendTemplateStep()) {
        self.store = store
        self.twilio = twilio
    }

    /// `message_sent`, `duplicate`, or `suppressed` with an alert.
    public func notes(for outcome: StepOutcome, call: StepCall, context: StepContext) -> [TimelineEntry] {
        guard let result = outcome.value else { return [] }
        return NotificationTimeline.entries(for: result, arguments: call.arguments, at: context.now)
    }

    /// For callers without a runtime to abandon a transition: a store failure becomes a
    /// transient `store.unavailable` failure (it then uses a retry attempt).
    public func run(_ call: StepCall, context: StepContext) async -> StepOutcome {
        do {
            return try await perform(call, context: context)
        } catch {
            return .failure(StepFailure(.transient, code: "store.unavailable", message: "notification log: \(error)"))
        }
    }

    /// One attempt; throws the store's error when the log cannot be reached before sending.
    public func perform(_ call: StepCall, context: StepContext) async throws -> StepOutcome {
        let args = call.arguments
        guard let trip = args["trip_id"]?.stringValue, let type = args["type"]?.stringValue,
              let to = args["to"]?.stringValue, let template = args["template"]?.stringValue,
              args["content_sid"]?.stringValue != nil
        else {
            return .failure(.badArgument("trip_id/type/to/template/content_sid", "are required strings"))
        }
        let key = args["key"]?.stringValue ?? type
        let agency = args["agency_id"]?.stringValue
        let variables = args["variables"] ?? .object([:])
        let result: [String: Value] = [
            "type": .string(type), "key": .string(key), "to": .string(to), "template": .string(template),
            "variables": variables,
        ]
        let claim = NotificationClaim(
            tripID: trip, agencyID: agency, type: type, key: key, instanceID: context.instanceID, to: to,
            template: template, variables: variables, at: context.now)
        // Outside a runtime (no instance) nothing tells a re-issue from a duplicate.
        let ranBefore: Bool? = context.instanceID == nil ? nil : (context.rerun || call.attempt > 1)
        return try await attempt(call, claim: claim, ranBefore: ranBefore, result: result, context: context)
    }

    private func attempt(
        _ call: StepCall, claim: NotificationClaim, ranBefore: Bool?, result: [String: Value], context: StepContext
    ) async throws -> StepOutcome {
        var result = result
        let args = call.arguments
        let (trip, type, key, to, agency) = (claim.tripID, claim.type, claim.key, claim.to, claim.agencyID)
        let contentSid = args["content_sid"]?.stringValue ?? ""
        let variables = claim.variables
        let caps = NotificationCaps(args["caps"]).applying(to: agency)
        switch try await store.claimNotification(claim, caps: caps) {
        case .claimed:
            break
        case .suppressed(let reason):
            return .success(.object(Self.suppressed(result, reason: reason)))
        case .duplicate:
            switch try await earlierClaim(claim, attempt: call.attempt, ranBefore: ranBefore, context: context) {
            case .send: break
            case .answer(let status, let extra):
                result["status"] = .string(status)
                result.merge(extra) { $1 }
                return .success(.object(result))
            case .fail(let failure):
                return .failure(failure)
            }
            // Sending again under an earlier claim: that claim already holds its place under the caps
            // (the atomic claim admitted it); a cap that filled since, as its window moved, still stops it.
            if let reason = try await capExceeded(caps, trip: trip, agency: agency, now: context.now) {
                try await store.updateNotification(tripID: trip, type: type, key: key, status: "suppressed",
                                                   providerID: nil, error: reason)
                return .success(.object(Self.suppressed(result, reason: reason)))
            }
        }
        let send = StepCall(arguments: ["to": .string(to), "content_sid": .string(contentSid), "variables": variables],
                            idempotencyKey: call.idempotencyKey, attempt: call.attempt)
        switch await twilio.run(send, context: context) {
        case .success(let answer):
            let sid = answer["sid"]?.stringValue
            await record(claim, status: "sent", providerID: sid, error: nil, logger: context.logger)
            result["status"] = "sent"
            result["sid"] = sid.map(Value.string) ?? .null
            return .success(.object(result))
        case .failure(let failure):
            let status = failure.isRetryable ? "retrying" : "failed"
            await record(claim, status: status, providerID: nil, error: failure.code, logger: context.logger)
            return .failure(failure)
        }
    }

    /// What to do about a claim that already exists.
    enum Earlier {
        case send
        case answer(String, [String: Value])
        case fail(StepFailure)
    }

    private func earlierClaim(
        _ claim: NotificationClaim, attempt: Int, ranBefore: Bool?, context: StepContext
    ) async throws -> Earlier {
        guard let ranBefore else {
            // No identity for the call or no way to read the row: a retry re-uses its claim, a
            // first attempt is a duplicate.
            return attempt > 1 ? .send : .answer("duplicate", [:])
        }
        guard ranBefore else { return .answer("duplicate", [:]) }
        guard let row = try await store.notification(tripID: claim.tripID, type: claim.type, key: claim.key),
              let owner = row.instanceID, owner == context.instanceID
        else {
            return .answer("duplicate", [:])
        }
        switch row.status {
        case "retrying":
            return .send
        case "suppressed":
            return .answer("suppressed", ["reason": row.error.map(Value.string) ?? .null])
        case "failed":
            return .fail(StepFailure(.permanent, code: row.error ?? "notify.failed",
                                     message: "the notification failed earlier (\(row.error ?? "no code"))"))
        case "claimed":
            // In doubt: a crash or a store failure came between the claim and the log's update.
            let lookup = StepCall(arguments: ["to": .string(claim.to)])
            switch await TwilioSendFields.lookupSentMessage(lookup, context: context, after: row.createdAt) {
            case .notSent:
                return .send
            case .sent(let message):
                await record(claim, status: "sent", providerID: message.sid, error: nil, logger: context.logger)
                return .answer("sent", ["sid": .string(message.sid)])
            case .unknown(let failure):
                return .fail(StepFailure(.transient, code: "notify.in_doubt",
                                         message: "could not tell whether it was sent: \(failure.message)"))
            }
        default:
            // `sent` or a later provider status: the earlier run sent it.
            return .answer("sent", ["sid": row.providerID.map(Value.string) ?? .null])
        }
    }

    /// Records the provider's answer; a store failure here is logged, not thrown (the answer stands,
    /// and a re-issue resolves the row).
    private func record(
        _ claim: NotificationClaim, status: String, providerID: String?, error: String?, logger: Logger
    ) async {
        do {
            try await store.updateNotification(
                tripID: claim.tripID, type: claim.type, key: claim.key, status: status, providerID: providerID, error: error)
        } catch let failure {
            logger.warning("notification log not updated after the provider answered", metadata: [
                "flow.status": "\(status)", "flow.message_sid": "\(providerID ?? "-")", "flow.error": "\(failure)",
            ])
        }
    }

    private static func suppressed(_ result: [String: Value], reason: String) -> [String: Value] {
        var result = result
        result["status"] = "suppressed"
        result["reason"] = .string(reason)
        return result
    }

    /// For a send under an earlier claim (counted in its window when it is still there): the first
    /// cap the message would exceed, as a reason, or nil.
    private func capExceeded(_ caps: NotificationCaps, trip: String, agency: String?, now: Instant) async throws -> String? {
        guard !caps.isEmpty else { return nil }
        let (day, hour) = (NotificationCaps.dayStart(now), NotificationCaps.hourStart(now))
        let tripDay = caps.perTripPerDay == nil ? 0
            : try await store.countNotifications(tripID: trip, agencyID: nil, since: day)
        let agencyHour = caps.perAgencyPerHour == nil || agency == nil ? 0
            : try await store.countNotifications(tripID: nil, agencyID: agency, since: hour)
        let agencyDay = caps.perAgencyPerDay == nil || agency == nil ? 0
            : try await store.countNotifications(tripID: nil, agencyID: agency, since: day)
        return caps.exceeded(tripDay: tripDay, agencyHour: agencyHour, agencyDay: agencyDay, including: true)
    }
}
