public import FlowEngine
import Steps
import Foundation

/// A message the Twilio fake accepted.
public struct FakeMessage: Sendable, Hashable {
    public var sid: String
    public var to: String
    public var from: String?
    public var messagingServiceSid: String?
    public var body: String?
    public var contentSid: String?
    /// `ContentVariables`, decoded.
    public var contentVariables: [String: String]?
    public var mediaURLs: [String]
    public var statusCallback: String?
    public var status: String
    public var dateCreated: Instant
    /// Set by a `failed`/`undelivered` status callback.
    public var errorCode: Int? = nil
    /// The account it was created in (the URL path's `AccountSid`).
    public var accountSid: String = ""
    /// The Basic-auth user that created it (the account SID, or an API key SID).
    public var authUsername: String = ""

    /// The Message resource JSON (snake_case, RFC 2822 dates, string counters).
    func resource(accountSid: String) -> Value {
        let date = Value.string(RFC2822.format(dateCreated))
        return .object([
            "sid": .string(sid), "account_sid": .string(accountSid),
            "messaging_service_sid": messagingServiceSid.map(Value.string) ?? .null,
            "to": .string(to), "from": from.map(Value.string) ?? .null, "body": .string(body ?? ""),
            "status": .string(status), "direction": "outbound-api",
            "error_code": errorCode.map { .number(Double($0)) } ?? .null, "error_message": .null,
            "num_segments": messagingServiceSid == nil ? "1" : "0", "num_media": .string(String(mediaURLs.count)),
            "price": .null, "price_unit": "USD", "date_created": date, "date_updated": date, "date_sent": .null,
            "api_version": "2010-04-01",
            "uri": .string("/2010-04-01/Accounts/\(accountSid)/Messages/\(sid).json"),
            "subresource_uris": ["media": .string("/2010-04-01/Accounts/\(accountSid)/Messages/\(sid)/Media.json")],
        ])
    }
}

extension FakeProviderServer {
    func handleTwilio(_ request: FakeRequest) async -> HTTPResponseSpec {
        if request.method == "POST" { countRequest(.twilio) }
        let path = request.path.dropFirst("/2010-04-01/Accounts/".count)
        let account = String(path.prefix { $0 != "/" })
        guard let user = authorizedTwilio(request, account: account) else {
            return Self.twilioError(20003, 401, "Authentication Error - invalid username")
        }
        let prefix = "/2010-04-01/Accounts/\(account)/Messages"
        guard request.path.hasPrefix(prefix) else { return Self.twilioError(20404, 404, "The requested resource was not found") }
        let rest = String(request.path.dropFirst(prefix.count))
        switch (request.method, rest) {
        case ("POST", ".json"): return await createMessage(request, account: account, user: user)
        case ("GET", ".json"): return listMessages(request, account: account)
        case ("GET", _) where rest.hasPrefix("/") && rest.hasSuffix(".json"):
            let sid = String(rest.dropFirst().dropLast(5))
            guard let message = state.withLock({ $0.messages.first { $0.sid == sid && $0.accountSid == account } }) else {
                return Self.twilioError(20404, 404, "The requested resource \(request.path) was not found")
            }
            return Self.json(200, message.resource(accountSid: account))
        default:
            return Self.twilioError(20004, 405, "Method not allowed")
        }
    }

    /// The Basic-auth user when the request authenticates for `account` (the URL path's): the
    /// account's SID and auth token, or (default account only) the API key pair; nil otherwise.
    func authorizedTwilio(_ request: FakeRequest, account: String) -> String? {
        guard let header = request.header("Authorization"), header.hasPrefix("Basic "),
            let decoded = Data(base64Encoded: String(header.dropFirst(6))).flatMap({ String(data: $0, encoding: .utf8) }),
            let colon = decoded.firstIndex(of: ":")
        else { return nil }
        let user = String(decoded[..<colon])
        let password = String(decoded[decoded.index(after: colon)...])
        if account == configuration.twilioAccountSid {
            let ok = (user == account && password == configuration.twilioAuthToken)
                || (user == configuration.twilioAPIKeySid && password == configuration.twilioAPIKeySecret)
            return ok ? user : nil
        }
        guard let other = configuration.twilioOtherAccounts.first(where: { $0.accountSid == account }),
              user == account, password == other.authToken
        else { return nil }
        return user
    }

    /// The auth token of one of the fake's accounts.
    func twilioAuthToken(account: String) -> String {
        configuration.twilioOtherAccounts.first { $0.accountSid == account }?.authToken ?? configuration.twilioAuthToken
    }

    func createMessage(_ request: FakeRequest, account: String, user: String) async -> HTTPResponseSpec {
        guard request.header("Content-Type")?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true else {
            return Self.twilioError(20001, 400, "Bad request: expected application/x-www-form-urlencoded")
        }
        guard let form = FormEncoding.decode(request.bodyText) else {
            return Self.twilioError(20001, 400, "Bad request: malformed form body")
        }
        switch validate(form) {
        case .failure(let error): return error.response
        case .success(var message):
            switch nextReply(.twilio) {
            case .normal: break
            case .delayed(let span): try? await Task.sleep(for: .milliseconds(span.milliseconds))
            case .twilioError(let code, let status): return Self.twilioError(code, status, "Scripted error \(code)")
            case .raw(let response): return response
            default: return Self.twilioError(20500, 500, "Internal Server Error")
            }
            if let latency = configuration.twilioLatency {
                try? await Task.sleep(for: .milliseconds(latency.milliseconds))
            }
            message.dateCreated = clock()
            message.accountSid = account
            message.authUsername = user
            let accepted = state.withLock { state in
                message.sid = "SM" + String(format: "%032x", state.nextSid)
                state.nextSid += 1
                state.messages.append(message)
                return message
            }
            await scheduleStatusCallbacks(for: accepted)
            return Self.json(201, accepted.resource(accountSid: account))
        }
    }

    struct TwilioRejection: Error {
        var code: Int
        var message: String
        var response: HTTPResponseSpec { FakeProviderServer.twilioError(code, 400, message) }
    }

    /// The contract's create rules (contracts README §1.2).
    func validate(_ form: [(String, String)]) -> Result<FakeMessage, TwilioRejection> {
        func one(_ name: String) -> String? { form.last { $0.0 == name }?.1 }
        guard let to = one("To") else { return .failure(.init(code: 21604, message: "A 'To' phone number is required.")) }
        guard to.hasPrefix("whatsapp:"), TwilioIdentifiers.isE164(String(to.dropFirst(9))) else {
            return .failure(.init(code: 21211, message: "The 'To' number \(to) is not a valid phone number."))
        }
        let from = one("From")
        let service = one("MessagingServiceSid")
        if let from, !(from.hasPrefix("whatsapp:") && TwilioIdentifiers.isE164(String(from.dropFirst(9)))) {
            return .failure(.init(code: 21212, message: "The 'From' number \(from) is not a valid phone number."))
        }
        if let service, !TwilioIdentifiers.isSid(service, prefix: "MG") {
            return .failure(.init(code: 20001, message: "Invalid MessagingServiceSid"))
        }
        guard from != nil || service != nil else {
            return .failure(.init(code: 21603, message: "A 'From' or 'MessagingServiceSid' parameter is required."))
        }
        let body = one("Body")
        let contentSid = one("ContentSid")
        let media = form.filter { $0.0 == "MediaUrl" }.map(\.1)
        guard body != nil || contentSid != nil || !media.isEmpty else {
            return .failure(.init(code: 21619, message: "A text message body, media URL or ContentSid must be specified."))
        }
        if let body, body.count > 1600 { return .failure(.init(code: 21617, message: "The body exceeds 1600 characters.")) }
        guard media.count <= 10, media.allSatisfy({ $0.hasPrefix("https://") || $0.hasPrefix("http://") }) else {
            return .failure(.init(code: 21620, message: "Invalid media URL(s)."))
        }
        if let contentSid, !TwilioIdentifiers.isSid(contentSid, prefix: "HX") {
            return .failure(.init(code: 20001, message: "Invalid ContentSid"))
        }
        var variables: [String: String]?
        if let raw = one("ContentVariables") {
            guard contentSid != nil else { return .failure(.init(code: 21656, message: "ContentVariables without ContentSid")) }
            guard let decoded = try? JSONDecoder().decode(Value.self, from: Data(raw.utf8)), let object = decoded.objectValue else {
                return .failure(.init(code: 21656, message: "The ContentVariables Parameter is invalid."))
            }
            var strings: [String: String] = [:]
            for (key, value) in object {
                guard let text = value.stringValue, ContentVariables.check(key: key, value: text) == nil else {
                    return .failure(.init(code: 21656, message: "The ContentVariables Parameter is invalid (\(key))."))
                }
                strings[key] = text
            }
            variables = strings
        }
        if let callback = one("StatusCallback") {
            let host = callback.split(separator: "/", omittingEmptySubsequences: true).dropFirst().first ?? ""
            guard callback.hasPrefix("https://") || callback.hasPrefix("http://"), !host.isEmpty, !host.contains("_") else {
                return .failure(.init(code: 21609, message: "Invalid StatusCallback URL."))
            }
        }
        if configuration.optedOut.contains(String(to.dropFirst(9))) {
            return .failure(.init(code: 21610, message: "Attempt to send to unsubscribed recipient"))
        }
        return .success(FakeMessage(
            sid: "", to: to, from: from, messagingServiceSid: service, body: body,
            contentSid: contentSid, contentVariables: variables, mediaURLs: media, statusCallback: one("StatusCallback"),
            status: service != nil ? "accepted" : "queued", dateCreated: Instant(epochMilliseconds: 0)))
    }

    func listMessages(_ request: FakeRequest, account: String) -> HTTPResponseSpec {
        let pageSize = request.queryValue("PageSize").flatMap(Int.init) ?? 50
        let page = request.queryValue("Page").flatMap(Int.init) ?? 0
        guard (1...1000).contains(pageSize), page >= 0 else { return Self.twilioError(20001, 400, "Invalid paging") }
        var after: Instant?
        if let text = request.queryValue("DateSent>") {
            guard let instant = Instant(iso8601: text) else { return Self.twilioError(20001, 400, "Invalid DateSent>") }
            after = instant
        }
        let to = request.queryValue("To")
        let matching = state.withLock { $0.messages }.filter { message in
            message.accountSid == account && (to == nil || message.to == to)
                && (after == nil || message.dateCreated >= after!)
        }.reversed()  // newest first, as Twilio lists
        let slice = Array(matching.dropFirst(page * pageSize).prefix(pageSize))
        var query = request.query.filter { $0.0 != "Page" }
        query.append(("Page", String(page + 1)))
        let hasMore = matching.count > (page + 1) * pageSize
        let next: Value = hasMore ? .string("/2010-04-01/Accounts/\(account)/Messages.json?" + FormEncoding.encode(query)) : .null
        return Self.json(200, .object([
            "messages": .array(slice.map { $0.resource(accountSid: account) }),
            "page": .number(Double(page)), "page_size": .number(Double(pageSize)), "next_page_uri": next,
            "previous_page_uri": .null, "start": .number(Double(page * pageSize)),
            "end": .number(Double(page * pageSize + max(slice.count - 1, 0))),
            "first_page_uri": .string("/2010-04-01/Accounts/\(account)/Messages.json"),
            "uri": .string(request.path),
        ]))
    }

    /// A status callback for an accepted message, signed as Twilio would sign it for `url` (with
    /// the auth token of the message's account).
    public func signedStatusCallback(sid: String, status: String, errorCode: Int? = nil, url: String)
        -> (parameters: [(String, String)], signature: String)
    {
        let message = state.withLock { $0.messages.first { $0.sid == sid } }
        let account = message?.accountSid ?? configuration.twilioAccountSid
        var params: [(String, String)] = [
            ("AccountSid", account), ("ApiVersion", "2010-04-01"), ("ChannelPrefix", "whatsapp"),
            ("From", message?.from ?? "whatsapp:+14155238886"), ("MessageSid", sid), ("MessageStatus", status),
            ("SmsSid", sid), ("SmsStatus", status), ("To", message?.to ?? ""),
        ]
        if let errorCode { params.append(("ErrorCode", String(errorCode))) }
        let signature = TwilioSignature.compute(url: url, parameters: params, authToken: twilioAuthToken(account: account))
        return (params, signature)
    }

    static func twilioError(_ code: Int, _ status: Int, _ message: String) -> HTTPResponseSpec {
        json(status, [
            "code": .number(Double(code)), "message": .string(message),
            "more_info": .string("https://www.twilio.com/docs/errors/\(code)"), "status": .number(Double(status)),
        ])
    }

    static func json(_ status: Int, _ value: Value, headers: [(name: String, value: String)] = []) -> HTTPResponseSpec {
        HTTPResponseSpec(status: status, headers: [("Content-Type", "application/json")] + headers, text: value.jsonText)
    }
}
