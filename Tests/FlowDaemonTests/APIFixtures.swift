import FlowEngine
import FlowRuntime
import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import Steps
import Testing
import Travel

/// A daemon over a fresh SQLite file and a workflow directory with `hold` (`APIFixture.hold`), with
/// keys made by the library function `flowctl keys create` uses: agency `acme`, agency `patagonia`,
/// an admin key and a revoked `acme` key.
struct APIFixture {
    let path: String
    let workflows: String
    let acme: String
    let patagonia: String
    let admin: String
    let revoked: String

    /// A valid flow that waits an hour: instances stay open until cancelled.
    static let hold = """
        flow: hold
        version: 1
        description: Waits an hour, then succeeds (the API tests' flow)

        input:
          phone: { type: string, required: true }

        start: pause
        states:
          pause:
            wait:
              for: 1h
            next: done
          done:
            succeed: true
        """

    /// `planning`: the directory also has the shipped `trip-planning` and `trip-suggestion` (the
    /// planning `/v1` API's flows); `shipped`: these shipped flows too (`flight-notifications.yaml`).
    static func make(planning: Bool = false, shipped: [String] = []) async throws -> APIFixture {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("flow-api-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let workflows = directory.appendingPathComponent("workflows")
        try FileManager.default.createDirectory(at: workflows, withIntermediateDirectories: true)
        try hold.write(to: workflows.appendingPathComponent("hold.yaml"), atomically: true, encoding: .utf8)
        for flow in (planning ? ["trip-planning.yaml", "trip-suggestion.yaml"] : []) + shipped {
            try FileManager.default.copyItem(
                at: ServeEndToEndTests.repository.appendingPathComponent("workflows/" + flow),
                to: workflows.appendingPathComponent(flow))
        }
        let path = directory.appendingPathComponent("flow.sqlite").path
        let store = try await SQLiteFlowStore.open(.file(path: path), adding: TravelSchema.schema)
        let now = InstanceWorker<SQLiteFlowStore>.wallClock()
        let acme = try await APIKeys.create(in: store, name: "acme-ops", agency: "acme", admin: false, at: now)
        let patagonia = try await APIKeys.create(
            in: store, name: "pata-ops", agency: "patagonia", admin: false, at: now)
        let admin = try await APIKeys.create(in: store, name: "root", agency: nil, admin: true, at: now)
        let revoked = try await APIKeys.create(in: store, name: "old", agency: "acme", admin: false, at: now)
        _ = try await store.revokeAPIKey(id: revoked.record.id, at: now)
        try await store.close()
        return APIFixture(
            path: path, workflows: workflows.path, acme: acme.token, patagonia: patagonia.token, admin: admin.token,
            revoked: revoked.token)
    }

    /// The daemon's application; `configure` changes its configuration first (limits, …).
    func app(
        corsOrigins: [String] = [], configure: (inout DaemonConfiguration) -> Void = { _ in }
    ) async throws -> some ApplicationProtocol {
        var configuration = DaemonFixtures.configuration(database: "sqlite://" + path, workflows: workflows)
        configuration.corsOrigins = corsOrigins
        configure(&configuration)
        return try await buildApplication(
            configuration: configuration, product: TravelProduct(),
            environment: DaemonEnvironment(
                variables: [:], prometheus: PrometheusExport(), transport: FixtureTransport(queue: [])))
    }

    func store() async throws -> SQLiteFlowStore {
        try await SQLiteFlowStore.open(.file(path: path), migrate: false)
    }

    static func headers(_ token: String?, _ extra: HTTPFields = [:]) -> HTTPFields {
        var headers = extra
        headers[.contentType] = "application/json"
        if let token { headers[.authorization] = "Bearer \(token)" }
        return headers
    }

    static func json(_ response: TestResponse) throws -> Value {
        try JSONDecoder().decode(Value.self, from: Data(buffer: response.body))
    }

    /// `POST /instances` of hold; the response's status and body.
    static func start(
        _ client: some TestClientProtocol, token: String, key: String? = nil, body: Value? = nil
    ) async throws -> (HTTPResponse.Status, Value) {
        var extra: HTTPFields = [:]
        if let key { extra[HTTPField.Name("Idempotency-Key")!] = key }
        let body = body ?? ["flow": "hold", "input": ["phone": "+5491155550000"]]
        return try await client.execute(
            uri: "/instances", method: .post, headers: headers(token, extra), body: ByteBuffer(string: body.jsonText)
        ) { ($0.status, try json($0)) }
    }
}
