public import FlowEngine

/// One outgoing HTTP request as plain values: what a step wants sent, independent of any client.
public struct HTTPRequestSpec: Sendable, Hashable {
    /// An HTTP method: the providers' contracts use GET and POST, `http.request` all five.
    public enum Method: String, Sendable, Hashable, CaseIterable {
        case get = "GET"
        case post = "POST"
        case put = "PUT"
        case patch = "PATCH"
        case delete = "DELETE"
    }

    public var method: Method
    /// The absolute URL, query included.
    public var url: String
    /// Header names and values, in order; names compare case-insensitively.
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(method: Method, url: String, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }

    /// The first value of a header, by case-insensitive name.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    public static func == (lhs: HTTPRequestSpec, rhs: HTTPRequestSpec) -> Bool {
        lhs.method == rhs.method && lhs.url == rhs.url && lhs.body == rhs.body
            && lhs.headers.map(\.name) == rhs.headers.map(\.name) && lhs.headers.map(\.value) == rhs.headers.map(\.value)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(method)
        hasher.combine(url)
        hasher.combine(body)
    }
}

/// One HTTP response as plain values.
public struct HTTPResponseSpec: Sendable, Hashable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A response with a UTF-8 body.
    public init(status: Int, headers: [(name: String, value: String)] = [], text: String) {
        self.init(status: status, headers: headers, body: Array(text.utf8))
    }

    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    public var bodyText: String { String(decoding: body, as: UTF8.self) }

    public static func == (lhs: HTTPResponseSpec, rhs: HTTPResponseSpec) -> Bool {
        lhs.status == rhs.status && lhs.body == rhs.body
            && lhs.headers.map(\.name) == rhs.headers.map(\.name) && lhs.headers.map(\.value) == rhs.headers.map(\.value)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(status)
        hasher.combine(body)
    }
}

/// Why a request got no HTTP response. Never carries credentials or request bodies.
public struct TransportError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        /// The deadline passed before a response arrived.
        case timeout
        /// Could not connect, or the connection broke.
        case connection
        /// The URL could not be used.
        case invalidRequest = "invalid_request"
        /// The response body is larger than the transport accepts.
        case responseTooLarge = "response_too_large"
    }

    public var code: Code
    /// What went wrong, for people; redacted (no headers, no bodies).
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "transport \(code.rawValue): \(message)" }
}

/// Sends HTTP requests. Ignorant of virtual clocks: the caller passes how long the call may take
/// (real time, since network I/O is real even in a dry-run on a virtual clock), or nil for the
/// transport's default.
public protocol HTTPTransport: Sendable {
    func send(_ request: HTTPRequestSpec, timeout: TimeSpan?) async throws(TransportError) -> HTTPResponseSpec
}
