public import FlowEngine
public import Steps

/// Which providers the daemon calls for real and which it answers locally, decided per provider:
/// a provider is live when its credentials are present and sandboxed otherwise (it records what it
/// would send and answers like the real API: Twilio accepts with synthetic SIDs, AeroAPI finds no
/// flight, OpenAI answers from fixtures when there are some). Open-Meteo (keyless) is live when
/// Twilio is or `FLOW_OPENMETEO_URL` is set, and answers from the fixtures' `weather` otherwise. An agency that uses only Twilio runs
/// with Twilio live and AeroAPI sandboxed; the Twilio webhooks work whenever Twilio is live.
public struct ProviderSetup: Sendable {
    /// A provider's mode, as `/health` and the start-up log show it.
    public enum Mode: String, Sendable, Hashable, Codable {
        case live, sandbox
    }

    /// The providers, by the names `/health` uses.
    public static let providers = ["twilio", "aeroapi", "openai", "openmeteo"]

    /// Live credentials where present, sandbox placeholders where not.
    public var credentials: ProviderCredentials
    /// Live providers over `live`, sandboxed ones answered by the fixture responder.
    public var transport: any HTTPTransport
    public var modes: [String: Mode]
    /// Where the providers are (overridable for fakes: `ProviderEndpoints.fromEnvironment`).
    public var endpoints: ProviderEndpoints
    /// The Twilio webhooks' verification, or why they answer 503 (always 503 while Twilio is sandboxed).
    public var webhooks: Result<TwilioWebhookConfiguration, TwilioWebhookUnavailable>

    /// The set-up for `credentials` (as read from the environment): each provider without
    /// credentials is sandboxed and answered from `fixtures` at the wall clock (OpenAI's answers
    /// in call order start over once used up, so run after run is answered).
    public init(
        credentials given: ProviderCredentials, endpoints: ProviderEndpoints, live: any HTTPTransport,
        fixtures: DryRunFixtures = DryRunFixtures(), now: Instant
    ) {
        var credentials = given
        var modes: [String: Mode] = [:]
        var sandboxed: [String] = []
        if credentials.twilio == nil {
            credentials.twilio = .authToken(
                accountSid: "AC" + String(repeating: "0", count: 32), token: "sandbox",
                messagingServiceSid: "MG" + String(repeating: "0", count: 32))
            sandboxed.append(endpoints.twilio)
            modes["twilio"] = .sandbox
        } else {
            modes["twilio"] = .live
        }
        if credentials.aeroapiKey == nil {
            credentials.aeroapiKey = Secret("sandbox")
            sandboxed.append(endpoints.aeroapi)
            modes["aeroapi"] = .sandbox
        } else {
            modes["aeroapi"] = .live
        }
        if credentials.openaiKey == nil {
            credentials.openaiKey = Secret("sandbox")
            sandboxed.append(endpoints.openai)
            modes["openai"] = .sandbox
        } else {
            modes["openai"] = .live
        }
        // Open-Meteo is keyless: live when the daemon sends for real (Twilio live) or its URL is
        // configured (FLOW_OPENMETEO_URL, e.g. a fake); otherwise answered from the fixtures' `weather`
        // section, or "no forecast" (a 400), so a sandboxed daemon never calls out for the weather.
        if modes["twilio"] == .live || endpoints.openmeteo != ProviderEndpoints.production.openmeteo {
            modes["openmeteo"] = .live
        } else {
            sandboxed.append(endpoints.openmeteo)
            modes["openmeteo"] = .sandbox
        }
        self.credentials = credentials
        self.modes = modes
        self.endpoints = endpoints
        if sandboxed.isEmpty && fixtures.http.isEmpty {
            transport = live
        } else {
            let missing = modes["openai"] == .sandbox
                ? "OpenAI is sandboxed (OPENAI_API_KEY is not set) and no fixture answers this call: set OPENAI_API_KEY, "
                    + "or run flowctl serve --fixtures FILE (the dry-run's format) to answer from fixtures"
                : "no fixture answers this call"
            let responder = FixtureResponder(
                fixtures: fixtures, endpoints: endpoints, start: now, cycles: true, missingAnswer: missing)
            transport = SandboxRouting(sandboxed: sandboxed, sandbox: responder, live: live)
        }
        webhooks = modes["twilio"] == .live
            ? TwilioWebhookConfiguration.resolve(
                twilio: given.twilio, publicBaseURL: endpoints.publicBaseURL, agencyAccounts: given.agencyTwilio)
            : .failure(TwilioWebhookUnavailable(reason: "Twilio is sandboxed (no Twilio credentials)"))
    }

    /// The sandboxed providers, in `providers` order.
    public var sandboxed: [String] { Self.providers.filter { modes[$0] == .sandbox } }
}

/// Sends a request to the sandbox when its URL is a sandboxed provider's or an `http` fixture
/// answers it, else over the network.
/// The sandbox's clock follows the wall clock, so fixtures with times answer as they fall due.
struct SandboxRouting: HTTPTransport {
    let sandboxed: [String]
    let sandbox: FixtureResponder
    let live: any HTTPTransport

    func send(_ request: HTTPRequestSpec, timeout: TimeSpan?) async throws(TransportError) -> HTTPResponseSpec {
        sandbox.advance(to: StoreCoding.wallClock())
        guard sandboxed.contains(where: { request.url.hasPrefix($0) }) || sandbox.answersHTTP(request) else {
            return try await live.send(request, timeout: timeout)
        }
        return sandbox.answer(request)
    }
}
