public import Hummingbird
public import Steps

/// What `GET /health` answers.
public struct HealthReport: Sendable, Codable, ResponseEncodable {
    /// `ok`, or `unavailable` while the store does not answer (the response is then 503).
    public var status: String
    /// `sqlite` or `postgres`.
    public var store: String
    /// `ok` or `unavailable`: whether the store answered the health probe.
    public var storeStatus: String
    /// Why the store is unavailable (no connection details); nil when it answered.
    public var storeError: String?
    /// True when any provider's calls are answered locally (its credentials are missing).
    public var sandbox: Bool
    /// Each provider's mode: `live` or `sandbox` (`ProviderSetup`).
    public var providers: [String: ProviderSetup.Mode]
    public var flows: [String]
    /// The fixtures file the sandboxed providers answer from (`--fixtures`); nil when none.
    public var fixtures: String?
    /// Each provider circuit used so far (`twilio`, `twilio:<agency>`, `aeroapi`, `openai`) and its
    /// breaker's state: `closed`, `open` or `half_open`; empty when none was used or breakers are off.
    public var circuits: [String: CircuitBreaker.State] = [:]

    public init(
        status: String = "ok", store: String, storeStatus: String = "ok", storeError: String? = nil,
        providers: [String: ProviderSetup.Mode], flows: [String]
    ) {
        self.status = status
        self.store = store
        self.storeStatus = storeStatus
        self.storeError = storeError
        self.sandbox = providers.values.contains(.sandbox)
        self.providers = providers
        self.flows = flows
    }

    enum CodingKeys: String, CodingKey {
        case status, store, sandbox, providers, flows, fixtures, circuits
        case storeStatus = "store_status"
        case storeError = "store_error"
    }

    /// This report after asking the store: unchanged when `probe` succeeds (or is nil), else
    /// `unavailable` with the probe's error.
    public func probing(_ probe: (@Sendable () async throws -> Void)?) async -> HealthReport {
        guard let probe else { return self }
        var report = self
        do {
            try await probe()
        } catch {
            report.status = "unavailable"
            report.storeStatus = "unavailable"
            report.storeError = "\(error)"
        }
        return report
    }
}

/// `GET /health`: the report, after asking the store when `probe` is given (e.g.
/// `PostgresFlowStore.probe()`); 503 with `status: unavailable` while the store does not answer.
public enum HealthRoutes {
    public static func add<Context: RequestContext>(
        to router: Router<Context>, health: HealthReport, probe: (@Sendable () async throws -> Void)? = nil,
        circuits: (@Sendable () -> [String: CircuitBreaker.State])? = nil
    ) {
        router.get("health") { request, context -> Response in
            var report = await health.probing(probe)
            report.circuits = circuits?() ?? [:]
            let response = try report.response(from: request, context: context)
            guard report.storeStatus == "ok" else {
                return Response(status: .serviceUnavailable, headers: response.headers, body: response.body)
            }
            return response
        }
    }
}
