import FakeProviders
import FlowEngine
import FlowRuntime
import Foundation
import Steps
import Testing
import Travel

/// Every operation of the API document (read from the daemon's own `GET /openapi.json`, so a new
/// route without coverage here fails the test) fed garbage against a real `flowctl serve`: no key, a
/// forged key, another agency's key, a body over the configured limit, malformed JSON, invalid UTF-8,
/// deep nesting, huge numbers, a wrong type in each declared field, an unknown field where the schema
/// is closed; and the Twilio webhooks with forged signatures. Each must be a 4xx with the API's JSON
/// error (naming the field where there is one), nothing is stored, the daemon lives on, and its log
/// holds no key, no provider secret and no traveller's number.
@Suite("Bad input on every route", .serialized)
struct BadInputServeTests {
    typealias E2E = ServeEndToEndTests
    typealias Bad = BadInputRequests

    @Test("every documented operation refuses bad input with a 4xx naming the field, stores nothing, logs no secret")
    func everyRoute() async throws {
        let fake = FakeProviderServer()
        let fakeURL = try await fake.start()
        defer { Task { await fake.stop() } }
        let workflows = [
            "hold.yaml": APIFixture.hold,
            "trip-planning.yaml": try ServeUnderTest.shipped("trip-planning.yaml"),
            "trip-suggestion.yaml": try ServeUnderTest.shipped("trip-suggestion.yaml"),
        ]
        let served = try await ServeUnderTest(
            fakeURL: fakeURL, workflows: workflows, name: "bad-input",
            environment: [
                "FLOW_MAX_BODY_BYTES": "\(Bad.bodyLimit)", "FLOW_RATE_LIMIT_PER_SECOND": "1000",
                "FLOW_RATE_LIMIT_BURST": "100000",
            ])
        defer { served.close() }
        let keys = try await Bad.Keys.make(served)
        let client = Bad(base: served.daemonURL, keys: keys)

        // What the bad requests find: an instance, a trip with a document, an agency row.
        let seeds = try await client.seed()
        let before = try await Bad.snapshot(client, database: served.database, seeds: seeds)

        let document = try await client.send(.get, "/openapi.json", token: nil)
        #expect(document.status == 200)
        let operations = Bad.operations(of: document.json)
        #expect(operations.count >= 50, "\(operations.count) operations in the document")
        let described = Set(operations.map(\.name))
        let tabled = Set(Bad.validBodies.keys).union(Bad.otherBodies.keys)
        #expect(tabled.subtracting(described).isEmpty, "bodies for operations the document does not have")
        for operation in operations {
            if operation.takesBody {
                #expect(tabled.contains(operation.name), "\(operation.name): no valid body in the bad-input table")
            }
            try await client.check(operation, seeds: seeds, document: document.json)
        }
        try await client.checkWebhooks()

        // Nothing was stored or changed; the daemon lives on; the log holds no secret and no number.
        let after = try await Bad.snapshot(client, database: served.database, seeds: seeds)
        for (what, value) in before {
            #expect(after[what] == value, "\(what) changed: \(value) → \(after[what] ?? "nothing")")
        }
        #expect(served.serve.isRunning, "the daemon died:\n\(served.serveLog())")
        #expect(try await client.send(.get, "/health", token: nil).status == 200)
        let log = served.serveLog()
        let secrets = [keys.acme, keys.patagonia, keys.admin, Bad.forgedKey, Bad.phone, seeds.phone]
            + [String(keys.acme.split(separator: "_").last!), String(Bad.forgedKey.split(separator: "_").last!)]
            + [FakeProviderServer.Configuration().twilioAuthToken, FakeProviderServer.Configuration().openaiKey]
        for secret in secrets {
            #expect(!log.contains(secret), "the log holds a secret or a traveller's number: \(secret.prefix(8))…")
        }
        for crash in ["Fatal error", "Stack overflow", "Segmentation fault", "\"level\":\"error\"", "internal error"] {
            #expect(!log.contains(crash), "the log has '\(crash)':\n\(log.suffix(4000))")
        }
    }
}
