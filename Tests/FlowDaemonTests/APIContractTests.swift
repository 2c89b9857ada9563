import FlowEngine
import FlowRuntime
import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import Steps
import Testing
import Travel

/// Answers the OpenAPI document promises where schemathesis (`scripts/schemathesis.sh`) found the
/// daemon answering otherwise, through the router of the real daemon.
@Suite("API contract")
struct APIContractTests {
    typealias A = APIFixture

    @Test("an empty or over-long Idempotency-Key is 400 on every route that takes one")
    func idempotencyKeyBounds() async throws {
        let fixture = try await A.make()
        try await fixture.app().test(.router) { client in
            let (status, started) = try await A.start(client, token: fixture.acme)
            #expect(status == .created)
            let id = try #require(started["id"]?.stringValue)
            let routes = ["/instances", "/events/nobody.listens", "/instances/\(id)/events/poke"]
            let body: Value = ["flow": "hold", "input": ["phone": "+5491155550000"]]
            for uri in routes {
                for key in ["", String(repeating: "k", count: 201)] {
                    let headers = A.headers(fixture.acme, [HTTPField.Name("Idempotency-Key")!: key])
                    try await client.execute(
                        uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body.jsonText)
                    ) { response in
                        #expect(response.status == .badRequest, "\(uri) with a key of \(key.count) characters")
                        let error = try A.json(response)
                        #expect(error["error"]?["code"] == "bad_request")
                    }
                }
                let headers = A.headers(fixture.acme, [HTTPField.Name("Idempotency-Key")!: "k-1"])
                try await client.execute(
                    uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body.jsonText)
                ) { #expect($0.status.code < 300, "\(uri) with a valid key") }
            }
        }
    }

    @Test("a documented path asked with a method it does not have is 405 with Allow; unknown paths stay 404")
    func methodNotAllowed() async throws {
        let fixture = try await A.make()
        try await fixture.app().test(.router) { client in
            let cases: [(HTTPRequest.Method, String, String)] = [
                (.init("TRACE")!, "/flows", "GET"), (.delete, "/instances/some-id", "GET"),
                (.put, "/instances", "GET, POST"), (.get, "/instances/some-id/cancel", "POST"),
                (.head, "/openapi.json", "GET"),
            ]
            for (method, uri, allow) in cases {
                try await client.execute(uri: uri, method: method, headers: A.headers(fixture.acme)) { response in
                    #expect(response.status == .methodNotAllowed, "\(method) \(uri)")
                    #expect(response.headers[.allow] == allow, "\(method) \(uri)")
                    if method != .head {
                        let error = try A.json(response)
                        #expect(error["error"]?["code"] == "method_not_allowed", "\(method) \(uri)")
                    }
                }
            }
            // A route's own 404 and a path the document does not have are still 404.
            for uri in ["/instances/some-id", "/nowhere", "/instances/some-id/nothing"] {
                try await client.execute(uri: uri, method: .get, headers: A.headers(fixture.acme)) {
                    #expect($0.status == .notFound, "\(uri)")
                }
            }
            // Without a key it is 401 as before: the method check does not reveal more than the document.
            try await client.execute(uri: "/flows", method: .init("TRACE")!, headers: A.headers(nil)) {
                #expect($0.status == .unauthorized)
            }
        }
    }

    @Test("a NUL (U+0000) in a query parameter or a JSON body is refused naming where, not left to the store")
    func nulCharacter() async throws {
        let fixture = try await A.make()
        try await fixture.app().test(.router) { client in try await Self.expectNULRefused(client, token: fixture.acme) }
    }

    @Test("on PostgreSQL, whose text cannot hold a NUL, the same requests are 400/422, not a 500 from the store",
          .enabled(if: TestPostgres.url != nil, "FLOW_TEST_POSTGRES_URL is not set"))
    func nulCharacterOnPostgres() async throws {
        let fixture = try await A.make()
        let url = try await TestPostgres.freshDatabase()
        guard case .postgres(let settings) = try StoreConfiguration.from(url: url) else { return }
        var client = settings.clientConfiguration(maximumConnections: 2)
        client.tls = .disable
        let token = try await PostgresFlowStore.withStore(
            client, adding: TravelSchema.schema, connectionTimeout: TestPostgres.connectionWait
        ) { store in
            try await APIKeys.create(
                in: store, name: "acme-ops", agency: "acme", admin: false,
                at: InstanceWorker<PostgresFlowStore>.wallClock()
            ).token
        }
        let app = try await buildApplication(
            configuration: DaemonFixtures.configuration(database: url, workflows: fixture.workflows),
            product: TravelProduct(),
            environment: DaemonEnvironment(variables: [:], transport: FixtureTransport(queue: [])))
        try await app.test(.router) { client in try await Self.expectNULRefused(client, token: token) }
    }

    /// Starts a `hold` instance with `token`, then sends a NUL in query parameters and JSON bodies of
    /// every route that takes them: each is refused (400; 422 on a decision), naming where.
    static func expectNULRefused(_ client: some TestClientProtocol, token: String) async throws {
        let (status, started) = try await A.start(client, token: token)
        #expect(status == .created)
        let id = try #require(started["id"]?.stringValue)
        let queries = [
            ("/instances?flow=a%00b", "'flow'"), ("/approvals?after=%00", "'after'"),
            ("/instances/\(id)/events?after=1&limit=a%00", "'limit'"),
        ]
        for (uri, named) in queries {
            try await client.execute(uri: uri, method: .get, headers: A.headers(token)) { response in
                #expect(response.status == .badRequest, "\(uri)")
                let message = try A.json(response)["error"]?["message"]?.stringValue ?? ""
                #expect(message.contains(named) && message.contains("U+0000"), "\(uri): \(message)")
            }
        }
        let bodies: [(String, String, HTTPResponse.Status, String)] = [
            ("/instances", #"{"flow":"hold","input":{"phone":"+54\u0000"}}"#, .badRequest, "'input.phone'"),
            ("/instances/\(id)/cancel", #"{"reason":"a\u0000"}"#, .badRequest, "'reason'"),
            ("/events/nobody.listens", #"{"a":["x","\u0000"]}"#, .badRequest, "'a[1]'"),
            ("/instances/\(id)/events/poke", #"{"k\u0000":1}"#, .badRequest, "the body's"),
            ("/approvals/\(id):a1/decision", #"{"decision":"approve","notes":"\u0000"}"#, .unprocessableContent,
             "'notes'"),
        ]
        for (uri, body, expected, named) in bodies {
            try await client.execute(
                uri: uri, method: .post, headers: A.headers(token), body: ByteBuffer(string: body)
            ) { response in
                #expect(response.status == expected, "\(uri)")
                let message = try A.json(response)["error"]?["message"]?.stringValue ?? ""
                #expect(message.contains(named) && message.contains("U+0000"), "\(uri): \(message)")
            }
        }
    }
}
