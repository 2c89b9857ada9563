public import Hummingbird
public import Logging

/// What `GET /health` answers.
public struct HealthReport: Sendable, Codable, ResponseEncodable {
    public var status: String
    /// `sqlite` or `postgres`.
    public var store: String
    /// True when provider calls are answered locally (no credentials).
    public var sandbox: Bool
    public var flows: [String]

    public init(status: String = "ok", store: String, sandbox: Bool, flows: [String]) {
        self.status = status
        self.store = store
        self.sandbox = sandbox
        self.flows = flows
    }
}

/// The daemon's HTTP surface: `GET /health` plus whatever `routes` mounts (`POST /events/{name}`,
/// `GET /metrics`, the Twilio webhooks through `TwilioWebhookRoutes.add` or `.addUnavailable`).
/// The application is a `Service`; run it in the daemon's `ServiceGroup`.
public func buildApplication(
    host: String = "0.0.0.0", port: Int, health: HealthReport, logger: Logger = Logger(label: "flow.http"),
    routes: (Router<BasicRequestContext>) -> Void = { _ in }
) -> some ApplicationProtocol {
    let router = Router()
    router.get("health") { _, _ in health }
    routes(router)
    return Application(
        router: router,
        configuration: .init(address: .hostname(host, port: port), serverName: "flow"),
        logger: logger)
}
