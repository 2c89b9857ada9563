import FlowEngine
import FlowRuntime
import Steps
import Testing

/// Open-Meteo's mode in `flowctl serve` (docs/providers.md, "Open-Meteo"): keyless, so live when
/// Twilio is live or `FLOW_OPENMETEO_URL` is set, and otherwise answered from the fixtures' `weather`
/// section (or Open-Meteo's 400 when there is none) without a network call.
@Suite("Open-Meteo in the daemon's sandbox")
struct OpenMeteoSandboxTests {
    static let fixtures: DryRunFixtures = {
        try! DryRunFixtures(parsing: SourceFile(path: "f.yaml", text: """
            weather:
              - daily: { time: ["2026-07-09"], weather_code: [61], temperature_2m_max: [14.6], temperature_2m_min: [8.0] }
            """))
    }()
    static let forecast = HTTPRequestSpec(
        method: .get, url: "https://api.open-meteo.com/v1/forecast?latitude=40.4936&longitude=-3.5668&start_date=2026-07-09")
    static let now = Instant(iso8601: "2026-07-08T10:00:00Z")!
    static let network = HTTPResponseSpec(status: 200, text: #"{"daily":"from-network"}"#)

    @Test("without Twilio credentials: sandboxed, answered from the fixtures' weather, never the network")
    func sandboxed() async throws {
        let live = FixtureTransport(queue: [.success(Self.network)])
        let setup = ProviderSetup(
            credentials: ProviderCredentials(), endpoints: .production, live: live, fixtures: Self.fixtures,
            now: Self.now)
        #expect(setup.modes["openmeteo"] == .sandbox)
        #expect(setup.sandboxed.contains("openmeteo"))
        let answer = try await setup.transport.send(Self.forecast, timeout: nil)
        #expect(answer.status == 200)
        #expect(answer.bodyText.contains("\"weather_code\":[61]"))
        #expect(live.requests.isEmpty)

        let bare = ProviderSetup(
            credentials: ProviderCredentials(), endpoints: .production, live: live, now: Self.now)
        let refused = try await bare.transport.send(Self.forecast, timeout: nil)
        #expect(refused.status == 400)
        #expect(refused.bodyText.contains("\"error\":true"))
        #expect(live.requests.isEmpty)
    }

    @Test("Twilio live, or FLOW_OPENMETEO_URL set: live")
    func live() throws {
        let twilio = ProviderCredentials(twilio: .authToken(accountSid: "AC" + String(repeating: "1", count: 32), token: "t"))
        let withTwilio = ProviderSetup(
            credentials: twilio, endpoints: .production, live: FixtureTransport(queue: []), now: Self.now)
        #expect(withTwilio.modes["openmeteo"] == .live)
        let endpoints = try ProviderEndpoints.fromEnvironment(["FLOW_OPENMETEO_URL": "http://127.0.0.1:9000/openmeteo/"])
        #expect(endpoints.openmeteo == "http://127.0.0.1:9000/openmeteo")
        #expect(endpoints.overrides().map(\.variable) == ["FLOW_OPENMETEO_URL"])
        let withURL = ProviderSetup(
            credentials: ProviderCredentials(), endpoints: endpoints, live: FixtureTransport(queue: []),
            now: Self.now)
        #expect(withURL.modes["openmeteo"] == .live)
        #expect(ProviderSetup.providers == ["twilio", "aeroapi", "openai", "openmeteo"])
    }
}
