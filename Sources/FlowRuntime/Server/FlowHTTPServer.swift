public import Hummingbird
public import Logging

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
    /// True when provider calls are answered locally (no credentials).
    public var sandbox: Bool
    public var flows: [String]

    public init(
        status: String = "ok", store: String, storeStatus: String = "ok", storeError: String? = nil, sandbox: Bool,
        flows: [String]
    ) {
        self.status = status
        self.store = store
        self.storeStatus = storeStatus
        self.storeError = storeError
        self.sandbox = sandbox
        self.flows = flows
    }

    enum CodingKeys: String, CodingKey {
        case status, store, sandbox, flows
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

/// The daemon's HTTP surface: `GET /health` plus whatever `routes` mounts (`POST /events/{name}`,
/// `GET /metrics`, the Twilio webhooks through `TwilioWebhookRoutes.add` or `.addUnavailable`).
/// The application is a `Service`; run it in the daemon's `ServiceGroup`.
///
/// With `storeProbe`, each `/health` request asks the store (e.g. `PostgresFlowStore.probe()`)
/// and answers 503 with `status: unavailable` while it does not answer.
public func buildApplication(
    host: String = "0.0.0.0", port: Int, health: HealthReport,
    storeProbe: (@Sendable () async throws -> Void)? = nil, logger: Logger = Logger(label: "flow.http"),
    routes: (Router<BasicRequestContext>) -> Void = { _ in }
) -> some ApplicationProtocol {
    let router = Router()
    router.get("health") { request, context -> Response in
        let report = await health.probing(storeProbe)
        let response = try report.response(from: request, context: context)
        guard report.storeStatus == "ok" else {
            return Response(status: .serviceUnavailable, headers: response.headers, body: response.body)
        }
        return response
    }
    routes(router)
    return Application(
        router: router,
        configuration: .init(address: .hostname(host, port: port), serverName: "flow"),
        logger: logger)
}
