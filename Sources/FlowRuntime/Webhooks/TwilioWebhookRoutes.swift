public import Hummingbird
public import Steps
import Logging

/// Where the Twilio webhooks live and how they are verified.
public struct TwilioWebhookConfiguration: Sendable {
    /// The public base URL Twilio calls (`FLOW_PUBLIC_URL`, e.g. `https://flow.example.com`);
    /// signatures are computed over this plus the route path and query, exactly as Twilio sees it.
    public var publicURL: String
    /// The auth token of the default account.
    public var authToken: Secret
    /// The default account's SID. When set, a request whose `AccountSid` is neither it nor an
    /// agency's account is refused (403); when nil, such requests are checked with `authToken`.
    public var defaultAccountSid: String?
    /// Auth tokens of agencies with their own Twilio account, by `AccountSid`.
    public var agencyAuthTokens: [String: Secret]
    public var statusPath: String
    public var inboundPath: String

    public init(
        publicURL: String, authToken: Secret, defaultAccountSid: String? = nil, agencyAuthTokens: [String: Secret] = [:],
        statusPath: String = TwilioWebhookPaths.status, inboundPath: String = TwilioWebhookPaths.inbound
    ) {
        var base = publicURL
        while base.hasSuffix("/") { base.removeLast() }
        self.publicURL = base
        self.authToken = authToken
        self.defaultAccountSid = defaultAccountSid
        self.agencyAuthTokens = agencyAuthTokens
        self.statusPath = statusPath
        self.inboundPath = inboundPath
    }
}

/// `POST /webhooks/twilio/status` and `POST /webhooks/twilio/inbound` on the daemon's router.
///
/// Both verify `X-Twilio-Signature` (HMAC-SHA1 over the public URL and the sorted form
/// parameters, keyed by the auth token of the `AccountSid` in the form) and answer 403 to
/// anything unsigned or forged, 400 to a signed request missing required fields, and an empty
/// 200 once the sink has recorded the event. A sink failure answers 500 so Twilio retries; that
/// is safe because inbound messages are deduplicated by `MessageSid` and statuses are idempotent.
public enum TwilioWebhookRoutes {
    public static func add<Context: RequestContext, Sink: TwilioWebhookSink>(
        to router: Router<Context>, sink: Sink, configuration: TwilioWebhookConfiguration
    ) {
        router.post(RouterPath(configuration.statusPath)) { request, context -> Response in
            guard let form = try await verifiedForm(request, configuration: configuration, logger: context.logger) else {
                return Response(status: .forbidden)
            }
            guard let status = deliveryStatus(form) else { return Response(status: .badRequest) }
            do {
                try await sink.deliveryStatus(status)
            } catch {
                context.logger.error("Twilio status callback not recorded (answered 500; Twilio retries)", metadata: [
                    "flow.message_sid": "\(status.messageSid)", "flow.error": "\(error)",
                ])
                return Response(status: .internalServerError)
            }
            return Response(status: .ok)
        }
        router.post(RouterPath(configuration.inboundPath)) { request, context -> Response in
            guard let form = try await verifiedForm(request, configuration: configuration, logger: context.logger) else {
                return Response(status: .forbidden)
            }
            guard let message = inboundMessage(form) else { return Response(status: .badRequest) }
            if let declared = form.last(where: { $0.0 == "NumMedia" }).flatMap({ Int($0.1) }),
               declared > maximumMedia {
                context.logger.warning("inbound message declares more media than Twilio delivers; ignored the rest",
                                       metadata: [
                    "flow.message_sid": "\(message.messageSid)", "flow.num_media": "\(declared)",
                    "flow.media_kept": "\(message.media.count)",
                ])
            }
            let fresh: Bool
            do {
                fresh = try await sink.inboundMessage(message)
            } catch {
                context.logger.error("inbound message not recorded (answered 500; Twilio retries)", metadata: [
                    "flow.message_sid": "\(message.messageSid)", "flow.error": "\(error)",
                ])
                return Response(status: .internalServerError)
            }
            if !fresh {
                context.logger.debug("duplicate inbound message", metadata: ["flow.message_sid": "\(message.messageSid)"])
            }
            return Response(status: .ok)
        }
    }

    /// Both routes answering `503 Service Unavailable` (Twilio retries later): for a daemon that
    /// cannot verify signatures because `FLOW_PUBLIC_URL` or the auth token is missing.
    public static func addUnavailable<Context: RequestContext>(
        to router: Router<Context>, statusPath: String = TwilioWebhookPaths.status,
        inboundPath: String = TwilioWebhookPaths.inbound
    ) {
        for path in [statusPath, inboundPath] {
            router.post(RouterPath(path)) { _, context -> Response in
                context.logger.warning("Twilio webhook refused: webhooks are not configured (FLOW_PUBLIC_URL / auth token)")
                return Response(status: .serviceUnavailable)
            }
        }
    }

    /// The form parameters when the signature is valid; nil otherwise.
    static func verifiedForm(
        _ request: Request, configuration: TwilioWebhookConfiguration, logger: Logger
    ) async throws -> [(String, String)]? {
        let buffer = try await request.collectedBody()
        guard let form = FormEncoding.decode(String(buffer: buffer)) else { return nil }
        let signature = request.headers[.init("X-Twilio-Signature")!]
        let url = configuration.publicURL + request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
        let account = form.first { $0.0 == "AccountSid" }?.1
        guard let token = configuration.signingToken(forAccount: account) else {
            logger.notice("rejected Twilio webhook: unknown AccountSid", metadata: ["flow.path": "\(request.uri.path)"])
            return nil
        }
        guard TwilioSignature.verify(signature: signature, url: url, parameters: form, authToken: token.exposed) else {
            logger.notice("rejected Twilio webhook: bad or missing signature", metadata: ["flow.path": "\(request.uri.path)"])
            return nil
        }
        return form
    }

    static func deliveryStatus(_ form: [(String, String)]) -> TwilioDeliveryStatus? {
        func one(_ name: String) -> String? { form.last { $0.0 == name }?.1 }
        guard let sid = one("MessageSid") ?? one("SmsSid"), let status = one("MessageStatus") ?? one("SmsStatus") else {
            return nil
        }
        return TwilioDeliveryStatus(
            messageSid: sid, status: status, errorCode: one("ErrorCode").flatMap(Int.init), accountSid: one("AccountSid"),
            to: one("To"), from: one("From"), eventType: one("EventType"))
    }

    /// Twilio delivers at most 10 media per message (`MediaUrl0`…`MediaUrl9`); more are ignored (logged).
    public static var maximumMedia: Int { 10 }

    static func inboundMessage(_ form: [(String, String)]) -> TwilioInboundMessage? {
        func one(_ name: String) -> String? { form.last { $0.0 == name }?.1 }
        func bare(_ address: String) -> String {
            address.hasPrefix("whatsapp:") ? String(address.dropFirst("whatsapp:".count)) : address
        }
        guard let sid = one("MessageSid") ?? one("SmsMessageSid"), let from = one("From"), let to = one("To") else {
            return nil
        }
        let count = min(one("NumMedia").flatMap(Int.init) ?? 0, maximumMedia)
        let media = (0..<max(count, 0)).compactMap { n in
            one("MediaUrl\(n)").map { TwilioInboundMessage.Media(url: $0, contentType: one("MediaContentType\(n)")) }
        }
        return TwilioInboundMessage(
            messageSid: sid, from: bare(from), to: bare(to), body: one("Body") ?? "", profileName: one("ProfileName"),
            accountSid: one("AccountSid"), media: media)
    }
}

extension TwilioWebhookConfiguration {
    /// The token that signs requests of `account` (the form's `AccountSid`): an agency's account's
    /// token, the default account's, or nil for an account this daemon does not know.
    public func signingToken(forAccount account: String?) -> Secret? {
        guard let account else { return authToken }
        if account == defaultAccountSid { return authToken }
        if let token = agencyAuthTokens[account] { return token }
        return defaultAccountSid == nil ? authToken : nil
    }

    /// The daemon's webhook configuration, or why the webhooks cannot verify signatures (they then
    /// answer 503). Needs the default account's auth token and the public base URL (`FLOW_PUBLIC_URL`);
    /// requests of agencies' own accounts are verified with their tokens.
    public static func resolve(
        twilio: TwilioCredentials?, publicBaseURL: String?, agencyAccounts: TwilioAgencyAccounts = TwilioAgencyAccounts()
    ) -> Result<TwilioWebhookConfiguration, TwilioWebhookUnavailable> {
        guard let twilio else {
            return .failure(.init(reason: "no Twilio credentials (TWILIO_ACCOUNT_SID/TWILIO_AUTH_TOKEN)"))
        }
        guard let token = twilio.authToken else {
            return .failure(.init(reason: "TWILIO_AUTH_TOKEN is not set, so signatures cannot be verified"))
        }
        guard let publicBaseURL else {
            return .failure(.init(reason: "FLOW_PUBLIC_URL is not set, so signatures cannot be verified "
                + "and sends carry no StatusCallback"))
        }
        return .success(TwilioWebhookConfiguration(
            publicURL: publicBaseURL, authToken: token, defaultAccountSid: twilio.accountSid,
            agencyAuthTokens: agencyAccounts.authTokensByAccountSid))
    }
}

/// Why the Twilio webhooks are not served (they answer 503).
public struct TwilioWebhookUnavailable: Error, Sendable, Hashable, CustomStringConvertible {
    public var reason: String

    public init(reason: String) { self.reason = reason }

    public var description: String { "Twilio webhooks answer 503: \(reason)" }
}
