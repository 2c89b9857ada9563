public import FlowEngine
public import Steps

/// One scripted answer of a fake provider, consumed in order by the requests it applies to.
/// Requests are authenticated and validated against the contract first; a script entry only
/// decides what a *valid* request gets.
public enum FakeReply: Sendable {
    /// Process the request normally.
    case normal
    /// Wait this long (real time), then process normally.
    case delayed(TimeSpan)
    /// Answer exactly this.
    case raw(HTTPResponseSpec)
    /// Twilio's error body `{code, message, more_info, status}`.
    case twilioError(code: Int, status: Int)
    /// AeroAPI's error body `{title, reason, detail, status}`, with an optional `Retry-After`.
    case aeroapiError(status: Int, retryAfterSeconds: Int? = nil)
    /// OpenAI's error body `{error: {message, type, param, code}}` with the rate-limit headers.
    case openAIError(status: Int, type: String, code: String?, retryAfterMilliseconds: Int? = nil)
    /// Open-Meteo's error body `{"error": true, "reason": …}`.
    case openMeteoError(status: Int, reason: String)
    /// A successful chat completion whose message content is this text.
    case openAIContent(String)
    /// A successful chat completion with a refusal instead of content.
    case openAIRefusal(String)
}

/// Which fake a script applies to.
public enum FakeProvider: String, Sendable, Hashable, CaseIterable {
    /// Twilio message creates.
    case twilio
    /// AeroAPI `/flights/{ident}`.
    case aeroapi
    /// OpenAI chat completions.
    case openai
    /// The product backend under `/backend/` (`http.request`).
    case backend
    /// Open-Meteo's `/v1/forecast` (under `/openmeteo`).
    case openmeteo
}

/// A request as the fakes see it: method, path, decoded query, headers and body.
public struct FakeRequest: Sendable {
    public var method: String
    public var path: String
    public var query: [(String, String)]
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    public func queryValue(_ name: String) -> String? { query.first { $0.0 == name }?.1 }

    public var bodyText: String { String(decoding: body, as: UTF8.self) }

    /// Splits an absolute or origin-form URL into path and query.
    public init?(method: String, url: String, headers: [(name: String, value: String)], body: [UInt8]) {
        var rest = Substring(url)
        if let scheme = rest.range(of: "://") {
            rest = rest[scheme.upperBound...]
            guard let slash = rest.firstIndex(of: "/") else { return nil }
            rest = rest[slash...]
        }
        let parts = rest.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        guard let query = FormEncoding.decode(parts.count > 1 ? String(parts[1]) : "") else { return nil }
        self.method = method
        self.path = String(parts[0])
        self.query = query
        self.headers = headers
        self.body = body
    }
}
