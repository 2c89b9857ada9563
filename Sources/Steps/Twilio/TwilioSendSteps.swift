public import FlowEngine

/// `twilio.send_template`: a WhatsApp Content template (`ContentSid` + `ContentVariables`).
/// Result: `{sid, status, to, from?, messaging_service_sid?}`.
public struct TwilioSendTemplateStep: Step {
    public static let signature = StepSignature.twilioSendTemplate

    public init() {}

    /// An in-doubt send is looked up in Twilio's message list (to, and the body for text).
    public func lookUp(_ call: StepCall, context: StepContext, since: Instant) async -> EffectLookup {
        await TwilioSendFields.lookupSentMessage(call, context: context, after: since).effectLookup
    }

    public func run(_ call: StepCall, context: StepContext) async -> StepOutcome {
        let args = StepArguments(call.arguments)
        do throws(StepFailure) {
            let contentSid = try args.string("content_sid")
            guard TwilioIdentifiers.isSid(contentSid, prefix: "HX") else {
                throw .badArgument("content_sid", "must be HX followed by 32 hex digits")
            }
            var fields = try TwilioSendFields.addressing(args, context: context)
            fields.append(("ContentSid", contentSid))
            if let variables = try args.optionalObject("variables") {
                switch ContentVariables.encode(variables) {
                case .success(let json): fields.append(("ContentVariables", json))
                case .failure(let problem):
                    throw StepFailure(.permanent, code: "twilio.21656", message: "ContentVariables: \(problem)")
                }
            }
            try TwilioSendFields.appendCallback(args, context: context, to: &fields)
            return await TwilioSendFields.send(fields, context: context)
        } catch {
            return .failure(error)
        }
    }
}

/// `twilio.send_text`: free-form WhatsApp text (`Body`, optional `MediaUrl`), only valid inside
/// the 24-hour customer-service window. Result as for `twilio.send_template`.
public struct TwilioSendTextStep: Step {
    public static let signature = StepSignature.twilioSendText

    public init() {}

    /// An in-doubt send is looked up in Twilio's message list (to, and the body for text).
    public func lookUp(_ call: StepCall, context: StepContext, since: Instant) async -> EffectLookup {
        await TwilioSendFields.lookupSentMessage(call, context: context, after: since).effectLookup
    }

    public func run(_ call: StepCall, context: StepContext) async -> StepOutcome {
        let args = StepArguments(call.arguments)
        do throws(StepFailure) {
            let body = try args.string("body")
            guard body.count <= 1600 else { throw .badArgument("body", "is longer than 1600 characters") }
            var fields = try TwilioSendFields.addressing(args, context: context)
            fields.append(("Body", body))
            if let media = try args.optionalString("media_url") {
                guard media.hasPrefix("https://") || media.hasPrefix("http://") else {
                    throw .badArgument("media_url", "must be an http(s) URL")
                }
                fields.append(("MediaUrl", media))
            }
            try TwilioSendFields.appendCallback(args, context: context, to: &fields)
            return await TwilioSendFields.send(fields, context: context)
        } catch {
            return .failure(error)
        }
    }
}

/// What both send steps share: addressing, the callback, the request and the in-doubt lookup.
public enum TwilioSendFields {
    static func addressing(_ args: StepArguments, context: StepContext) throws(StepFailure) -> [(String, String)] {
        guard let credentials = context.credentials.twilio else { throw .missingCredential("TWILIO_ACCOUNT_SID") }
        let to = try args.string("to")
        guard let toAddress = TwilioIdentifiers.whatsappAddress(to) else {
            throw .badArgument("to", "must be an E.164 number such as +5491155550000")
        }
        var fields: [(String, String)] = [("To", toAddress)]
        if let from = try args.optionalString("from") {
            guard let fromAddress = TwilioIdentifiers.whatsappAddress(from) else {
                throw .badArgument("from", "must be an E.164 number")
            }
            fields.append(("From", fromAddress))
        } else if let service = try args.optionalString("messaging_service") ?? credentials.messagingServiceSid {
            guard TwilioIdentifiers.isSid(service, prefix: "MG") else {
                throw .badArgument("messaging_service", "must be MG followed by 32 hex digits")
            }
            fields.append(("MessagingServiceSid", service))
        } else {
            throw .badArgument("from", "is required when no messaging service is configured")
        }
        return fields
    }

    /// `StatusCallback`: the call's `status_callback`, else the daemon's own status webhook when
    /// `FLOW_PUBLIC_URL` is configured, else none.
    static func appendCallback(
        _ args: StepArguments, context: StepContext, to fields: inout [(String, String)]
    ) throws(StepFailure) {
        guard let callback = try args.optionalString("status_callback") ?? context.endpoints.twilioStatusCallback else {
            return
        }
        guard callback.hasPrefix("https://") || callback.hasPrefix("http://") else {
            throw .badArgument("status_callback", "must be an http(s) URL")
        }
        fields.append(("StatusCallback", callback))
    }

    static func send(_ fields: [(String, String)], context: StepContext) async -> StepOutcome {
        guard let credentials = context.credentials.twilio else { return .failure(.missingCredential("TWILIO_ACCOUNT_SID")) }
        let client = TwilioClient(
            transport: context.transport, credentials: credentials, baseURL: context.endpoints.twilio,
            timeout: context.timeout ?? .seconds(30))
        switch await client.create(fields) {
        case .success(let message):
            context.logger.debug("twilio message created", metadata: ["flow.message_sid": "\(message.sid)"])
            return .success(message.resultValue)
        case .failure(let failure):
            context.logger.info("twilio send failed", metadata: ["flow.error": "\(failure.code)"])
            return .failure(failure)
        }
    }

    /// For the effect ledger: did a send of this call (to, and body for text) reach Twilio at or
    /// after `after`?
    public static func lookupSentMessage(_ call: StepCall, context: StepContext, after: Instant) async -> LookupResult {
        guard let credentials = context.credentials.twilio else { return .unknown(.missingCredential("TWILIO_ACCOUNT_SID")) }
        guard let to = call.arguments["to"]?.stringValue else { return .unknown(.badArgument("to", "is required")) }
        let client = TwilioClient(
            transport: context.transport, credentials: credentials, baseURL: context.endpoints.twilio,
            timeout: context.timeout ?? .seconds(30))
        return await client.lookupSentMessage(to: to, body: call.arguments["body"]?.stringValue, after: after)
    }
}

extension LookupResult {
    /// The lookup as the effect ledger reads it.
    public var effectLookup: EffectLookup {
        switch self {
        case .sent(let message): .happened(message.resultValue, providerID: message.sid)
        case .notSent: .notHappened
        case .unknown(let failure): .unknown(failure)
        }
    }
}
