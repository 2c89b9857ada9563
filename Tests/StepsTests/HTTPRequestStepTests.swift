import FakeProviders
import FlowEngine
import Logging
import Steps
import Testing

/// `http.request` against the fake backend (`/backend/`) on loopback, through the production
/// transport (`AsyncHTTPClientTransport`): what the server receives, and how each answer maps into
/// the taxonomy.
@Suite("http.request against a local backend")
struct HTTPRequestStepTests {
    static let secret = "Bearer s3cr3t-backend-token-4711"

    /// A started fake requiring the credential, and a context whose allow-list is its address.
    static func backend(logs: LogCapture? = nil, allow: String? = nil) async throws
        -> (fake: FakeProviderServer, base: String, context: StepContext)
    {
        var configuration = FakeProviderServer.Configuration()
        configuration.backendCredential = ("Authorization", secret)
        let fake = FakeProviderServer(configuration: configuration)
        let base = try await fake.start()
        var context = TestSupport.context(fake, logs: logs, transport: AsyncHTTPClientTransport(defaultTimeout: .seconds(5)))
        context.endpoints.httpAllowedHosts = try HostAllowList(parsing: allow ?? String(base.dropFirst("http://".count)))
        context.credentials.http = ["BACKEND": HTTPCredential(header: "Authorization", value: Secret(secret))]
        context.instanceID = "inst-1"
        context.callID = "call-7"
        return (fake, base, context)
    }

    static let bookingSchema: Value = [
        "type": "object", "required": ["id", "status"],
        "properties": ["id": ["type": "string"], "status": ["type": "string", "enum": ["confirmed", "cancelled"]]],
    ]

    @Test("GET with a query: the JSON answer, checked against response_schema")
    func getWithQuery() async throws {
        let (fake, base, context) = try await Self.backend()
        defer { Task { await fake.stop() } }
        let outcome = await HTTPRequestStep().run(StepCall(arguments: [
            "url": .string(base + "/backend/bookings/42"), "query": ["lang": "es", "page": 2, "tag": ["a", "b c"]],
            "credential": "backend", "response_schema": Self.bookingSchema,
        ]), context: context)
        let result = try #require(outcome.value, "\(outcome)")
        #expect(result["status"] == 200)
        #expect(result["body"]?["id"] == "42")
        #expect(result["body"]?["query"]?["lang"] == "es")
        #expect(result["headers"]?["content-type"] == "application/json")
        let received = try #require(fake.backendRequests.last)
        #expect(received.method == "GET")
        #expect(received.query.map { "\($0.0)=\($0.1)" } == ["lang=es", "page=2", "tag=a", "tag=b c"])
        #expect(received.header("Idempotency-Key") == nil)
        #expect(received.header("Accept") == "application/json")
    }

    @Test("POST: the JSON body, the Idempotency-Key and the credential's header reach the server")
    func postWithBody() async throws {
        let (fake, base, context) = try await Self.backend()
        defer { Task { await fake.stop() } }
        let call = StepCall(arguments: [
            "method": "POST", "url": .string(base + "/backend/bookings"), "credential": "backend",
            "body": ["traveller": "Ana", "nights": 3, "tags": ["vip"]], "headers": ["X-Agency": "acme"],
        ], idempotencyKey: "inst-1/booking-ana")
        let first = try #require(await HTTPRequestStep().run(call, context: context).value)
        #expect(first["status"] == 201)
        #expect(first["body"]?["received"] == ["traveller": "Ana", "nights": 3, "tags": ["vip"]])
        let received = try #require(fake.backendRequests.last)
        #expect(received.header("Idempotency-Key") == "inst-1/booking-ana")
        #expect(received.header("Authorization") == Self.secret)
        #expect(received.header("Content-Type") == "application/json")
        #expect(received.header("X-Agency") == "acme")
        // Sent again (an in-doubt call resent): the backend deduplicates by the key.
        let again = try #require(await HTTPRequestStep().run(call, context: context).value)
        #expect(again["body"]?["id"] == first["body"]?["id"])
        // Without a flow key, the ledger's key (instance/call) is sent.
        _ = await HTTPRequestStep().run(StepCall(arguments: [
            "method": "DELETE", "url": .string(base + "/backend/bookings/9"), "credential": "backend",
        ]), context: context)
        #expect(fake.backendRequests.last?.header("Idempotency-Key") == "inst-1/call-7")
        #expect(fake.backendRequests.last?.method == "DELETE")
    }

    @Test("a body that breaks response_schema is invalid_response, saying where")
    func schemaMismatch() async throws {
        let (fake, base, context) = try await Self.backend()
        defer { Task { await fake.stop() } }
        fake.script(.backend, [.raw(HTTPResponseSpec(
            status: 200, headers: [("Content-Type", "application/json")], text: #"{"id": 42, "status": "lost"}"#))])
        let failure = try #require(await HTTPRequestStep().run(StepCall(arguments: [
            "url": .string(base + "/backend/bookings/42"), "credential": "backend", "response_schema": Self.bookingSchema,
        ]), context: context).failure)
        #expect(failure.errorClass == .invalidResponse)
        #expect(failure.code == "http.schema_mismatch")
        #expect(failure.message.contains("$.id: expected string"))
        #expect(failure.message.contains("$.status"))
    }

    /// One answer of the backend and the failure `http.request` must report.
    struct ErrorCase: Sendable, CustomTestStringConvertible {
        var status: Int
        var headers: [String] = []
        var errorClass: ErrorClass
        var retryAfter: TimeSpan? = nil
        var testDescription: String { "\(status) → \(errorClass)" }
    }

    @Test("answers map into the closed taxonomy", arguments: [
        ErrorCase(status: 404, errorClass: .notFound),
        ErrorCase(status: 422, errorClass: .permanent),
        ErrorCase(status: 400, errorClass: .permanent),
        ErrorCase(status: 401, errorClass: .permanent),
        ErrorCase(status: 409, errorClass: .permanent),
        ErrorCase(status: 302, headers: ["Location", "http://elsewhere.example/x"], errorClass: .permanent),
        ErrorCase(status: 429, headers: ["Retry-After", "7"], errorClass: .transient, retryAfter: .seconds(7)),
        ErrorCase(status: 408, errorClass: .transient),
        ErrorCase(status: 500, errorClass: .transient),
        ErrorCase(status: 503, headers: ["Retry-After", "2"], errorClass: .transient, retryAfter: .seconds(2)),
    ])
    func errorMapping(_ row: ErrorCase) async throws {
        let (fake, base, context) = try await Self.backend()
        defer { Task { await fake.stop() } }
        var headers: [(name: String, value: String)] = [("Content-Type", "application/json")]
        if row.headers.count == 2 { headers.append((row.headers[0], row.headers[1])) }
        fake.script(.backend, [.raw(HTTPResponseSpec(status: row.status, headers: headers, text: #"{"error":"no"}"#))])
        let failure = try #require(await HTTPRequestStep().run(StepCall(arguments: [
            "method": "PUT", "url": .string(base + "/backend/bookings/42?x=1"), "credential": "backend", "body": ["a": 1],
        ], idempotencyKey: "k"), context: context).failure)
        #expect(failure.errorClass == row.errorClass)
        #expect(failure.code == "http.\(row.status)")
        #expect(failure.retryAfter == row.retryAfter)
        #expect(failure.providerStatus == row.status)
        #expect(failure.message.hasPrefix("PUT \(base)/backend/bookings/42 answered \(row.status)"))
    }

    @Test("no answer before the deadline is timeout; a refused connection is transient")
    func transportFailures() async throws {
        let (fake, base, context) = try await Self.backend()
        defer { Task { await fake.stop() } }
        fake.script(.backend, [.delayed(.seconds(3))])
        var short = context
        short.timeout = TimeSpan(milliseconds: 300)
        let late = try #require(await HTTPRequestStep().run(StepCall(arguments: [
            "url": .string(base + "/backend/bookings/1"), "credential": "backend",
        ]), context: short).failure)
        #expect(late.errorClass == .timeout)
        #expect(late.code == "transport.timeout")

        let port = try LoopbackPort.free()
        var closed = context
        closed.endpoints.httpAllowedHosts = try HostAllowList(parsing: "127.0.0.1")
        // AsyncHTTPClient retries a refused connection until the deadline, then reports the refusal.
        closed.timeout = .seconds(1)
        let refused = try #require(await HTTPRequestStep().run(StepCall(arguments: [
            "url": .string("http://127.0.0.1:\(port)/backend/bookings/1"),
        ]), context: closed).failure)
        #expect(refused.errorClass == .transient)
        #expect(refused.code == "transport.connection")
    }

    @Test("a host outside the allow-list is refused before anything is sent: permanent, naming host and setting")
    func hostNotAllowed() async throws {
        let (fake, base, context) = try await Self.backend(allow: "api.example.com,*.internal.example")
        defer { Task { await fake.stop() } }
        let failure = try #require(await HTTPRequestStep().run(StepCall(arguments: [
            "method": "POST", "url": .string(base + "/backend/bookings"), "body": [:], "credential": "backend",
        ]), context: context).failure)
        #expect(failure.errorClass == .permanent)
        #expect(failure.code == "http.host_not_allowed")
        #expect(failure.message.contains("'127.0.0.1:"))
        #expect(failure.message.contains("FLOW_HTTP_ALLOW_HOSTS"))
        #expect(fake.backendRequests.isEmpty)
    }

    @Test("a body over 1 MiB is a permanent failure saying so")
    func responseTooLarge() async throws {
        let (fake, base, context) = try await Self.backend()
        defer { Task { await fake.stop() } }
        let failure = try #require(await HTTPRequestStep().run(StepCall(arguments: [
            "url": .string(base + "/backend/large"), "query": ["bytes": 1_100_000], "credential": "backend",
        ]), context: context).failure)
        #expect(failure.errorClass == .permanent)
        #expect(failure.code == "http.response_too_large")
        #expect(failure.message.contains("1048576"))
        let small = try #require(await HTTPRequestStep().run(StepCall(arguments: [
            "url": .string(base + "/backend/large"), "query": ["bytes": 5], "credential": "backend",
        ]), context: context).value)
        #expect(small["body"] == "xxxxx")
    }

    @Test("bad arguments are permanent step.bad_argument; an unknown credential names its variable", arguments: [
        (["method": "FETCH", "url": "https://api.example.com/x"], "step.bad_argument"),
        (["url": "api.example.com/x"], "step.bad_argument"),
        (["url": "ftp://api.example.com/x"], "step.bad_argument"),
        (["url": "https://user:pw@api.example.com/x"], "step.bad_argument"),
        (["url": "https://api.example.com/x", "body": ["a": 1]], "step.bad_argument"),
        (["url": "https://api.example.com/x", "headers": ["Authorization": "Bearer x"]], "step.bad_argument"),
        (["url": "https://api.example.com/x", "headers": ["X-A": "one\r\ntwo"]], "step.bad_argument"),
        (["url": "https://api.example.com/x", "credential": "nope"], "credentials.missing"),
    ] as [([String: Value], String)])
    func badArguments(_ arguments: [String: Value], _ code: String) async throws {
        let fake = FakeProviderServer()
        var context = TestSupport.context(fake)
        context.endpoints.httpAllowedHosts = try HostAllowList(parsing: "api.example.com")
        let failure = try #require(await HTTPRequestStep().run(StepCall(arguments: arguments), context: context).failure)
        #expect(failure.errorClass == .permanent)
        #expect(failure.code == code)
        if code == "credentials.missing" { #expect(failure.message.contains("FLOW_HTTP_CREDENTIAL_NOPE")) }
        #expect(fake.backendRequests.isEmpty)
    }

    @Test("the credential's value is in no result, error or log line, even when the server echoes it")
    func secretNeverLeaks() async throws {
        let logs = LogCapture()
        let (fake, base, context) = try await Self.backend(logs: logs)
        defer { Task { await fake.stop() } }
        let echoed = try #require(await HTTPRequestStep().run(StepCall(arguments: [
            "url": .string(base + "/backend/echo-headers"), "credential": "backend",
        ]), context: context).value)
        #expect(echoed["body"]?["headers"]?["authorization"] == "<redacted>")
        fake.script(.backend, [.raw(HTTPResponseSpec(status: 403, headers: [("Location", Self.secret)],
                                                     text: "forbidden for \(Self.secret)"))])
        let refused = try #require(await HTTPRequestStep().run(StepCall(arguments: [
            "url": .string(base + "/backend/bookings/1"), "credential": "backend",
        ]), context: context).failure)
        #expect(refused.message.contains("forbidden for <redacted>"))
        var texts = [echoed.jsonText, refused.message, refused.description, "\(refused)", "\(context.credentials)"]
        texts += logs.lines
        #expect(!logs.lines.isEmpty)
        for text in texts { #expect(!text.contains("s3cr3t"), "leaked in: \(text)") }
    }
}

@Suite("http.request configuration")
struct HTTPRequestConfigurationTests {
    @Test("credentials come from FLOW_HTTP_CREDENTIAL_<NAME> as 'Header: value'; problems name the variable only")
    func credentialsFromEnvironment() {
        let (credentials, problems) = ProviderCredentials.fromEnvironment([
            "FLOW_HTTP_CREDENTIAL_BACKEND": "Authorization: Bearer tok-123",
            "FLOW_HTTP_CREDENTIAL_PARTNER_API": "X-Api-Key:k-456",
            "FLOW_HTTP_CREDENTIAL_BROKEN": "just-a-secret-789",
        ])
        #expect(credentials.httpCredential(named: "backend") == HTTPCredential(header: "Authorization", value: Secret("Bearer tok-123")))
        #expect(credentials.httpCredential(named: "partner-api")?.header == "X-Api-Key")
        #expect(credentials.httpCredential(named: "partner-api")?.value.exposed == "k-456")
        #expect(credentials.httpCredential(named: "broken") == nil)
        let broken = problems.filter { $0.variable == "FLOW_HTTP_CREDENTIAL_BROKEN" }
        #expect(broken.count == 1)
        for text in problems.map(\.description) + [credentials.description, "\(credentials.http)"] {
            #expect(!text.contains("tok-123") && !text.contains("k-456") && !text.contains("just-a-secret"), "\(text)")
        }
        #expect(HTTPCredential.variable(forName: "partner-api") == "FLOW_HTTP_CREDENTIAL_PARTNER_API")
    }

    @Test("the allow-list: hosts, ports, wildcards", arguments: [
        ("api.example.com", "https://api.example.com/x", true),
        ("api.example.com", "https://API.example.com:8443/x", true),
        ("api.example.com:8080", "http://api.example.com/x", false),
        ("api.example.com:8080", "http://api.example.com:8080/x", true),
        ("*.example.com", "https://a.b.example.com/", true),
        ("*.example.com", "https://example.com/", false),
        ("api.example.com", "https://api.example.com.evil.net/", false),
        ("localhost:8080,127.0.0.1", "http://127.0.0.1:9/", true),
        ("", "https://api.example.com/", false),
    ])
    func allowList(_ list: String, _ url: String, _ allowed: Bool) throws {
        let hosts = try HostAllowList(parsing: list)
        guard case .success(let authority)? = URLAuthority.parse(url) else {
            Issue.record("\(url) does not parse")
            return
        }
        #expect(hosts.allows(authority) == allowed)
    }

    @Test("unusable allow-list entries are refused", arguments: ["api.example.com:0", "api.example.com:http", "a b/c"])
    func badAllowList(_ text: String) {
        #expect(throws: HostAllowList.ParseError.self) { try HostAllowList(parsing: text) }
    }
}
