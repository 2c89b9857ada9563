public import FlowEngine

/// `http.request`: one HTTP call to a host of the daemon's allow-list (`FLOW_HTTP_ALLOW_HOSTS`),
/// so flows can call the product's own backend without Swift.
///
/// Result: `{status, headers, body}`: `headers` holds a few response headers by lower-cased name
/// (`content-type`, `location`, `etag`, `retry-after`, `x-request-id`, when present), `body` the
/// parsed JSON, or the text when the body is not JSON, or null when empty.
///
/// Errors (docs/providers.md has the table): a host outside the allow-list, a bad argument, an
/// unknown credential, 3xx and 4xx → permanent (404 → not_found; 408 and 429 → transient, 429
/// with `retryAfter` from `Retry-After`); 5xx and connection failures → transient; the deadline →
/// timeout; a body over `maxResponseBytes` → permanent; a body failing `response_schema` →
/// invalid_response.
///
/// A credential is added as its header on the wire only: its value is never in the arguments, the
/// result, an error or a log line (an answer that echoes it has it replaced by `<redacted>`). Calls
/// other than GET go through the effect ledger and carry `Idempotency-Key` (the call's key).
public struct HTTPRequestStep: Step {
    public static let signature = StepSignature.httpRequest

    /// The response headers copied into the result.
    static let resultHeaders = ["content-type", "location", "etag", "retry-after", "x-request-id"]
    /// Headers a flow may not set: the transport's, and credentials (they come from configuration).
    static let reservedHeaders: Set<String> = [
        "host", "content-length", "transfer-encoding", "connection", "idempotency-key", "authorization",
        "proxy-authorization", "cookie",
    ]

    /// The largest response body accepted (1 MiB); a larger one is a permanent failure.
    public var maxResponseBytes: Int
    /// The deadline when the state gives no `timeout`.
    public var defaultTimeout: TimeSpan

    public init(maxResponseBytes: Int = 1 << 20, defaultTimeout: TimeSpan = .seconds(30)) {
        self.maxResponseBytes = maxResponseBytes
        self.defaultTimeout = defaultTimeout
    }

    public func run(_ call: StepCall, context: StepContext) async -> StepOutcome {
        var secret: Secret?
        var target = "?"
        do throws(StepFailure) {
            let prepared = try makeRequest(call, context: context)
            secret = prepared.secret
            target = prepared.target
            let response: HTTPResponseSpec
            do {
                let timeout = context.timeout ?? defaultTimeout
                response = try await context.transport.send(prepared.request, timeout: timeout)
            } catch {
                throw .transport(error, provider: "http \(prepared.target)")
            }
            let schema = try StepArguments(call.arguments).optionalObject("response_schema").map(Value.object)
            return .success(try interpret(response, target: prepared.target, schema: schema, secret: secret))
        } catch {
            let failure = HTTPRequestRedaction.redacting(error, secret: secret)
            context.logger.info("http.request failed", metadata: [
                "flow.error": "\(failure.code)", "flow.host": "\(target)",
            ])
            return .failure(failure)
        }
    }

    /// A request ready to send: the spec (with the credential's header), `METHOD scheme://host/path`
    /// for messages, and the credential's value, to keep out of everything else.
    public struct Prepared: Sendable {
        public var request: HTTPRequestSpec
        public var target: String
        public var secret: Secret?
    }

    /// The HTTP request for a call (exposed for tests): checks the arguments and the allow-list.
    public func makeRequest(_ call: StepCall, context: StepContext) throws(StepFailure) -> Prepared {
        let args = StepArguments(call.arguments)
        let methodName = (try args.optionalString("method") ?? "GET").uppercased()
        guard let method = HTTPRequestSpec.Method(rawValue: methodName) else {
            throw .badArgument("method", "must be GET, POST, PUT, PATCH or DELETE, not '\(methodName)'")
        }
        var url = try args.string("url")
        let authority: URLAuthority
        switch URLAuthority.parse(url) {
        case .success(let found)?: authority = found
        case .failure(let problem)?: throw .badArgument("url", "\(problem)")
        case nil: throw .badArgument("url", "must be an absolute http or https URL")
        }
        let pathEnd = url.firstIndex { $0 == "?" || $0 == "#" } ?? url.endIndex
        let target = "\(method.rawValue) \(url[..<pathEnd])"
        guard context.endpoints.httpAllowedHosts.allows(authority) else {
            throw StepFailure(
                .permanent, code: "http.host_not_allowed",
                message: "host '\(authority)' is not allowed: add it to FLOW_HTTP_ALLOW_HOSTS "
                    + "(allowed: \(context.endpoints.httpAllowedHosts))")
        }
        if let fragment = url.firstIndex(of: "#") { url = String(url[..<fragment]) }
        if let query = try args.optionalObject("query"), !query.isEmpty {
            var fields: [(String, String)] = []
            for (name, value) in query.sorted(by: { $0.key < $1.key }) {
                for item in value.arrayValue ?? [value] where !item.isNull {
                    guard let text = Self.text(item) else {
                        throw .badArgument("query", "'\(name)' must be text, a number, a boolean or a list of them")
                    }
                    fields.append((name, text))
                }
            }
            url += (url.contains("?") ? "&" : "?") + FormEncoding.encode(fields)
        }
        var headers: [(name: String, value: String)] = [("Accept", "application/json")]
        for (name, value) in (try args.optionalObject("headers") ?? [:]).sorted(by: { $0.key < $1.key }) {
            guard !name.isEmpty, name.allSatisfy(HTTPCredential.isTokenCharacter) else {
                throw .badArgument("headers", "'\(name)' is not a valid header name")
            }
            guard !Self.reservedHeaders.contains(name.lowercased()) else {
                throw .badArgument("headers", "may not set '\(name)' (credentials come from `credential`)")
            }
            guard let text = Self.text(value), !text.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" }) else {
                throw .badArgument("headers", "'\(name)' must be one line of text")
            }
            headers.removeAll { $0.name.lowercased() == name.lowercased() }
            headers.append((name, text))
        }
        var body: [UInt8] = []
        if let value = call.arguments["body"], !value.isNull {
            guard method != .get else { throw .badArgument("body", "is not allowed with GET") }
            body = Array(value.jsonText.utf8)
            if !headers.contains(where: { $0.name.lowercased() == "content-type" }) {
                headers.append(("Content-Type", "application/json"))
            }
        }
        if method != .get, let key = call.idempotencyKey ?? Self.callKey(context) {
            headers.append(("Idempotency-Key", key))
        }
        var secret: Secret?
        if let name = try args.optionalString("credential") {
            guard let credential = context.credentials.httpCredential(named: name) else {
                throw .missingCredential(HTTPCredential.variable(forName: name))
            }
            headers.removeAll { $0.name.lowercased() == credential.header.lowercased() }
            headers.append((credential.header, credential.value.exposed))
            secret = credential.value
        }
        return Prepared(request: HTTPRequestSpec(method: method, url: url, headers: headers, body: body),
                        target: target, secret: secret)
    }

    /// The effect ledger's key when the flow gives no `idempotency_key`: stable across re-issues.
    static func callKey(_ context: StepContext) -> String? {
        guard let instance = context.instanceID, let call = context.callID else { return nil }
        return "\(instance)/\(call)"
    }

    static func text(_ value: Value) -> String? {
        switch value {
        case .string(let s): s
        case .number(let n): Value.format(number: n)
        case .bool(let b): b ? "true" : "false"
        default: nil
        }
    }

    func interpret(_ response: HTTPResponseSpec, target: String, schema: Value?, secret: Secret?) throws(StepFailure)
        -> Value
    {
        guard response.body.count <= maxResponseBytes else {
            throw StepFailure(
                .permanent, code: "http.response_too_large",
                message: "\(target): the response body has \(response.body.count) bytes, more than the "
                    + "\(maxResponseBytes) http.request accepts", providerStatus: response.status)
        }
        let body = HTTPRequestRedaction.body(response, secret: secret)
        guard (200..<300).contains(response.status) else {
            throw HTTPRequestErrorMapping.failure(response, target: target, body: body)
        }
        if let schema {
            let violations = JSONSchemaSubset.validate(body, against: schema)
            if !violations.isEmpty {
                let shown = violations.prefix(3).map(\.description).joined(separator: "; ")
                throw StepFailure(
                    .invalidResponse, code: "http.schema_mismatch",
                    message: "\(target): the response body does not match response_schema: \(shown)",
                    providerStatus: response.status)
            }
        }
        var headers: [String: Value] = [:]
        for name in Self.resultHeaders {
            if let value = response.header(name) {
                headers[name] = .string(HTTPRequestRedaction.text(value, secret: secret))
            }
        }
        return ["status": .number(Double(response.status)), "headers": .object(headers), "body": body]
    }
}
