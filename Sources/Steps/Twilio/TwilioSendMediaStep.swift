public import FlowEngine

/// `twilio.send_media`: one WhatsApp media message (`MediaUrl`, optional `Body` as its caption),
/// only valid inside the 24-hour customer-service window. Twilio fetches the URL itself, so it must
/// be public `https`. Result as for `twilio.send_template`; errors mapped as for every send
/// (`TwilioErrorMapping`).
public struct TwilioSendMediaStep: Step {
    public static let signature = StepSignature.twilioSendMedia
    /// WhatsApp captions, like bodies, are at most 1600 characters; media URLs at most this long.
    public static var maximumURLLength: Int { 2048 }

    public init() {}

    /// An in-doubt send is looked up in Twilio's message list (to, and the caption when given).
    public func lookUp(_ call: StepCall, context: StepContext, since: Instant) async -> EffectLookup {
        await TwilioSendFields.lookupSentMessage(call, context: context, after: since).effectLookup
    }

    public func run(_ call: StepCall, context: StepContext) async -> StepOutcome {
        let args = StepArguments(call.arguments)
        do throws(StepFailure) {
            let media = try args.string("media_url")
            guard media.hasPrefix("https://"), media.count <= Self.maximumURLLength else {
                throw .badArgument("media_url", "must be an https URL of at most \(Self.maximumURLLength) characters")
            }
            var fields = try TwilioSendFields.addressing(args, context: context)
            fields.append(("MediaUrl", media))
            if let body = try args.optionalString("body"), !body.isEmpty {
                guard body.count <= 1600 else { throw .badArgument("body", "is longer than 1600 characters") }
                fields.append(("Body", body))
            }
            try TwilioSendFields.appendCallback(args, context: context, to: &fields)
            return await TwilioSendFields.send(fields, context: context)
        } catch {
            return .failure(error)
        }
    }
}
