public import FlowEngine
import Foundation

/// The Twilio Messages API (create, fetch, list) over an `HTTPTransport`. One attempt per call;
/// failures come back classified.
public struct TwilioClient: Sendable {
    public var transport: any HTTPTransport
    public var credentials: TwilioCredentials
    /// Base URL, e.g. `https://api.twilio.com`.
    public var baseURL: String
    public var timeout: TimeSpan?

    public init(transport: any HTTPTransport, credentials: TwilioCredentials, baseURL: String, timeout: TimeSpan? = nil) {
        self.transport = transport
        self.credentials = credentials
        self.baseURL = baseURL
        self.timeout = timeout
    }

    var messagesPath: String { "\(baseURL)/2010-04-01/Accounts/\(credentials.accountSid)/Messages" }

    var headers: [(name: String, value: String)] {
        let pair = Data("\(credentials.username):\(credentials.password.exposed)".utf8).base64EncodedString()
        return [("Authorization", "Basic \(pair)"), ("Accept", "application/json"), ("Accept-Charset", "utf-8")]
    }

    /// The create request for these form fields (exposed for contract tests).
    public func createRequest(_ fields: [(String, String)]) -> HTTPRequestSpec {
        HTTPRequestSpec(
            method: .post, url: messagesPath + ".json",
            headers: headers + [("Content-Type", "application/x-www-form-urlencoded")],
            body: Array(FormEncoding.encode(fields).utf8))
    }

    /// `POST …/Messages.json`: 201 with the Message resource.
    public func create(_ fields: [(String, String)]) async -> Result<TwilioMessage, StepFailure> {
        await exchangeMessage(createRequest(fields))
    }

    /// `GET …/Messages/{Sid}.json`.
    public func fetch(sid: String) async -> Result<TwilioMessage, StepFailure> {
        guard TwilioIdentifiers.isMessageSid(sid) else {
            return .failure(.badArgument("sid", "is not a message SID"))
        }
        return await exchangeMessage(
            HTTPRequestSpec(method: .get, url: "\(messagesPath)/\(sid).json", headers: headers))
    }

    /// `GET …/Messages.json?To=…&DateSent>=…`, following `next_page_uri` for up to `maxPages`.
    public func list(to: String, dateSentAfter: Instant?, pageSize: Int = 50, maxPages: Int = 5) async
        -> Result<[TwilioMessage], StepFailure>
    {
        var query: [(String, String)] = [("To", to), ("PageSize", String(pageSize))]
        if let dateSentAfter { query.append(("DateSent>", dateSentAfter.iso8601)) }
        var url: String? = messagesPath + ".json?" + FormEncoding.encode(query)
        var all: [TwilioMessage] = []
        var pages = 0
        while let next = url, pages < maxPages {
            pages += 1
            let result: Result<TwilioMessagePage, StepFailure> = await exchange(
                HTTPRequestSpec(method: .get, url: next, headers: headers), expecting: 200)
            switch result {
            case .failure(let failure): return .failure(failure)
            case .success(let page):
                all += page.messages
                url = page.nextPageURI.map { $0.hasPrefix("http") ? $0 : baseURL + $0 }
            }
        }
        return .success(all)
    }

    /// Resolves an in-doubt send: finds an outbound message to `to` created at or after `after`
    /// (less a minute of clock skew) whose body matches `body`, when given. Templates have no
    /// body we know, so for them any outbound message in the window counts.
    public func lookupSentMessage(to: String, body: String? = nil, after: Instant) async -> LookupResult {
        guard let address = TwilioIdentifiers.whatsappAddress(to) else {
            return .unknown(.badArgument("to", "is not an E.164 number"))
        }
        let since = after - .minutes(1)
        switch await list(to: address, dateSentAfter: nil) {
        case .failure(let failure):
            return .unknown(failure)
        case .success(let messages):
            let matches = messages.filter { message in
                guard message.direction?.hasPrefix("outbound") ?? true else { return false }
                guard let created = message.dateCreated, created >= since else { return false }
                if let body { return message.body == body }
                return true
            }
            guard let first = matches.min(by: { ($0.dateCreated ?? since) < ($1.dateCreated ?? since) }) else {
                return .notSent
            }
            return .sent(first)
        }
    }

    /// One Message resource: read with `JSONBody` and `TwilioMessage(json:)` rather than `JSONDecoder`
    /// (same fields, same failures).
    func exchangeMessage(_ request: HTTPRequestSpec) async -> Result<TwilioMessage, StepFailure> {
        let response: HTTPResponseSpec
        switch await successfulResponse(request) {
        case .success(let answer): response = answer
        case .failure(let failure): return .failure(failure)
        }
        guard let body = JSONBody.parse(response.body), let message = TwilioMessage(json: body) else {
            return .failure(Self.invalidResponse(status: response.status))
        }
        return .success(message)
    }

    /// The response to `request` when Twilio answered 2xx; a transport error or Twilio's error otherwise.
    private func successfulResponse(_ request: HTTPRequestSpec) async -> Result<HTTPResponseSpec, StepFailure> {
        let response: HTTPResponseSpec
        do {
            response = try await transport.send(request, timeout: timeout)
        } catch {
            return .failure(.transport(error, provider: "twilio"))
        }
        guard (200..<300).contains(response.status) else {
            return .failure(TwilioErrorMapping.failure(status: response.status, body: response.body))
        }
        return .success(response)
    }

    static func invalidResponse(status: Int) -> StepFailure {
        StepFailure(
            .invalidResponse, code: "twilio.invalid_response", message: "HTTP \(status) body is not a Twilio resource",
            providerStatus: status)
    }

    func exchange<Response: Decodable>(_ request: HTTPRequestSpec, expecting status: Int) async
        -> Result<Response, StepFailure>
    {
        let response: HTTPResponseSpec
        switch await successfulResponse(request) {
        case .success(let answer): response = answer
        case .failure(let failure): return .failure(failure)
        }
        do {
            return .success(try JSONDecoder().decode(Response.self, from: Data(response.body)))
        } catch {
            return .failure(Self.invalidResponse(status: response.status))
        }
    }
}

/// What a lookup of an in-doubt send found.
public enum LookupResult: Sendable, Hashable {
    /// Twilio has the message: the send happened.
    case sent(TwilioMessage)
    /// Twilio has no such message: the send did not happen (safe to send).
    case notSent
    /// Could not tell (Twilio unreachable, bad credentials): keep it in doubt.
    case unknown(StepFailure)
}

struct TwilioMessagePage: Decodable {
    var messages: [TwilioMessage]
    var nextPageURI: String?

    enum CodingKeys: String, CodingKey {
        case messages
        case nextPageURI = "next_page_uri"
    }
}
