import FlowEngine
import FlowRuntime
import Foundation
import Hummingbird
import HummingbirdTesting
import Steps
import Testing
import Travel

/// `buildApplication(configuration:product:environment:)`, the daemon `serve` runs, through its router.
@Suite("The daemon assembly")
struct DaemonAssemblyTests {
    static let account = "AC" + String(repeating: "1", count: 32)
    static let token = "secret-token-for-tests"
    static let publicURL = "https://flow.example.com"

    static func sqlitePath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("flow-daemon-\(UUID().uuidString).sqlite").path
    }

    static func app(variables: [String: String], path: String) async throws -> some ApplicationProtocol {
        try await buildApplication(
            configuration: DaemonFixtures.configuration(database: "sqlite://" + path), product: TravelProduct(),
            environment: DaemonEnvironment(variables: variables, transport: FixtureTransport(queue: [])))
    }

    /// A form body and its `X-Twilio-Signature` for the status callback route.
    static func statusCallback(sid: String, token: String) -> (body: String, signature: String) {
        let form = [("AccountSid", account), ("MessageSid", sid), ("MessageStatus", "delivered")]
        let body = form.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
        let signature = TwilioSignature.compute(
            url: publicURL + TwilioWebhookPaths.status, parameters: form, authToken: token)
        return (body, signature)
    }

    @Test("with only Twilio credentials: Twilio live, AeroAPI and OpenAI sandboxed; webhooks verify signatures")
    func twilioLiveAeroAPISandboxed() async throws {
        let path = Self.sqlitePath()
        let app = try await Self.app(
            variables: ["TWILIO_ACCOUNT_SID": Self.account, "TWILIO_AUTH_TOKEN": Self.token, "FLOW_PUBLIC_URL": Self.publicURL],
            path: path)
        try await app.test(.router) { client in
            try await client.execute(uri: "/health", method: .get) { response in
                #expect(response.status == .ok)
                let health = try JSONDecoder().decode(HealthReport.self, from: Data(buffer: response.body))
                #expect(health.providers == ["twilio": .live, "aeroapi": .sandbox, "openai": .sandbox, "openmeteo": .live])
                #expect(health.sandbox)
                #expect(health.store == "sqlite")
            }
            let signed = Self.statusCallback(sid: "SM" + String(repeating: "2", count: 32), token: Self.token)
            let headers: HTTPFields = [
                .contentType: "application/x-www-form-urlencoded", .init("X-Twilio-Signature")!: signed.signature,
            ]
            try await client.execute(
                uri: TwilioWebhookPaths.status, method: .post, headers: headers, body: ByteBuffer(string: signed.body)
            ) { #expect($0.status == .ok) }
            let forged = Self.statusCallback(sid: "SM" + String(repeating: "2", count: 32), token: "not-the-token")
            var forgedHeaders = headers
            forgedHeaders[.init("X-Twilio-Signature")!] = forged.signature
            try await client.execute(
                uri: TwilioWebhookPaths.status, method: .post, headers: forgedHeaders, body: ByteBuffer(string: forged.body)
            ) { #expect($0.status == .forbidden) }
        }
        try? FileManager.default.removeItem(atPath: path)
    }

    @Test("without credentials every provider is sandboxed and the Twilio webhooks answer 503")
    func allSandboxed() async throws {
        let path = Self.sqlitePath()
        let app = try await Self.app(variables: [:], path: path)
        try await app.test(.router) { client in
            try await client.execute(uri: "/health", method: .get) { response in
                let health = try JSONDecoder().decode(HealthReport.self, from: Data(buffer: response.body))
                #expect(health.providers == ["twilio": .sandbox, "aeroapi": .sandbox, "openai": .sandbox, "openmeteo": .sandbox])
                #expect(health.flows == [
                "budget-surplus", "calendar-gap", "concierge", "flight-notifications", "itinerary", "price-watch",
                "provider-health", "trip-planning", "trip-suggestion",
            ])
            }
            let signed = Self.statusCallback(sid: "SM" + String(repeating: "3", count: 32), token: Self.token)
            try await client.execute(
                uri: TwilioWebhookPaths.status, method: .post, body: ByteBuffer(string: signed.body)
            ) { #expect($0.status == .serviceUnavailable) }
        }
        try? FileManager.default.removeItem(atPath: path)
    }

    @Test("an invalid workflow directory is an error carrying its diagnostics")
    func invalidFlows() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("flows-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try "flow: broken\nversion: 1\nstart: nowhere\nstates: {}\n".write(
            to: directory.appendingPathComponent("broken.yaml"), atomically: true, encoding: .utf8)
        let error = await #expect(throws: DaemonSetupError.self) {
            _ = try await buildApplication(
                configuration: DaemonFixtures.configuration(database: "sqlite://" + Self.sqlitePath(), workflows: directory.path),
                product: TravelProduct(), environment: DaemonEnvironment(variables: [:], transport: FixtureTransport(queue: [])))
        }
        guard case .invalidFlows(let loaded)? = error else { Issue.record("expected invalidFlows, got \(String(describing: error))"); return }
        #expect(loaded.diagnostics.hasErrors)
    }
}
