public import FlowEngine
import Foundation
public import Hummingbird
public import Logging
import ServiceLifecycle
public import Steps

/// Why the daemon could not be assembled.
public enum DaemonSetupError: Error, Sendable, CustomStringConvertible {
    /// The workflow directory does not exist or is not a directory.
    case noWorkflowDirectory(String)
    /// The workflow directory has errors (`flowctl` prints them and exits 65).
    case invalidFlows(WorkflowDirectory)
    /// A setting, credential or endpoint is unusable (exit 64).
    case configuration(String)

    public var description: String {
        switch self {
        case .noWorkflowDirectory(let path): "no such workflow directory: \(path)"
        case .invalidFlows: "the workflow directory has errors"
        case .configuration(let message): message
        }
    }
}

/// The daemon's assembly: what `buildApplication` needs besides the configuration.
public struct DaemonEnvironment: Sendable {
    /// Provider credentials (`TWILIO_*`, `AEROAPI_KEY`, `OPENAI_API_KEY`) and endpoints are read here.
    public var variables: [String: String]
    /// The Prometheus registry `/metrics` exposes; nil: no `/metrics` route (the process bootstraps
    /// swift-metrics once, so tests building several daemons leave it out).
    public var prometheus: PrometheusExport?
    /// The network for live providers (AsyncHTTPClient in production, a fake's transport in tests).
    public var transport: any HTTPTransport
    /// This daemon's lease owner name, unique per process.
    public var owner: String
    public var logger: Logger
    /// The OTLP trace exporter `serve` bootstrapped (`TraceExport`); its service runs first and
    /// stops last. nil: traces off (spans are no-ops).
    public var traces: TraceExport?

    public init(
        variables: [String: String], prometheus: PrometheusExport? = nil, transport: any HTTPTransport,
        owner: String = DaemonEnvironment.processOwner, logger: Logger = Logger(label: "flow.serve"),
        traces: TraceExport? = nil
    ) {
        self.variables = variables
        self.prometheus = prometheus
        self.transport = transport
        self.owner = owner
        self.logger = logger
        self.traces = traces
    }

    /// `<host>-<pid>`.
    public static var processOwner: String {
        "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)"
    }
}

/// The whole daemon for `configuration`: opens and migrates the store (the runtime's tables and
/// `product`'s), publishes the workflow directory's flows, and returns the HTTP application with
/// every route (`/health`, `/metrics`, `POST /events/{name}`, the Twilio webhooks) and every
/// service (the store's pool, the instance worker, the cron scheduler, the status gauge). Used by
/// `flowctl serve` and by tests (`app.test(.router)` on SQLite, or run live); run it with
/// `runService()`, which stops on SIGTERM/SIGINT and closes the store last.
public func buildApplication(
    configuration: DaemonConfiguration, product: any FlowProduct, environment: DaemonEnvironment
) async throws -> FlowApplication {
    let registry = try DefinitionRegistry.checked(
        path: configuration.workflows, catalogue: .standard.allowing(hosts: configuration.httpAllowHosts))
    let fixtures = try DaemonAssembly.fixtures(configuration.fixtures, product: product)
    let providers = try DaemonAssembly.providers(
        environment, fixtures: fixtures ?? DryRunFixtures(), httpAllowHosts: configuration.httpAllowHosts)
    let storeConfiguration: StoreConfiguration
    do {
        storeConfiguration = try configuration.database.map(StoreConfiguration.from(url:))
            ?? StoreConfiguration.fromEnvironment(environment.variables)
    } catch {
        throw DaemonSetupError.configuration("\(error)")
    }
    let now = StoreCoding.wallClock()
    var assembly = DaemonAssembly(
        configuration: configuration, product: product, environment: environment, registry: registry,
        providers: providers, storeKind: storeConfiguration.kind, fixtures: configuration.fixtures)
    switch storeConfiguration {
    case .sqlite(let location):
        let store = try await SQLiteFlowStore.open(location, migrate: true, adding: product.schema)
        do {
            try await registry.publish(to: store, at: now)
            assembly.links = try await assembly.approvalLinks(store)
        } catch {
            try? await store.close()
            throw error
        }
        do {
            return try assembly.application(store, opened: .sqlite(store), lifecycle: [StoreCloser(close: store.close)])
        } catch {
            try? await store.close()
            throw error
        }
    case .postgres(let settings):
        // The pool must run while migrating and publishing; the daemon's own pool runs in the group.
        let setupAssembly = assembly
        assembly.links = try await PostgresFlowStore.withStore(
            settings.clientConfiguration(maximumConnections: 2), adding: product.schema
        ) { setup in
            try await registry.publish(to: setup, at: now)
            return try await setupAssembly.approvalLinks(setup)
        }
        let store = PostgresFlowStore(
            configuration: settings.clientConfiguration(), batching: .fromEnvironment(environment.variables))
        return try assembly.application(
            store, opened: .postgres(store), lifecycle: [store], probe: { try await store.probe() },
            listen: { wakeup, timeline in
                [PostgresWakeListener(store: store, wakeup: wakeup, timeline: timeline, owner: environment.owner)]
            })
    }
}

/// Closes a store when the daemon shuts down (it is the first service, so it stops last).
struct StoreCloser: Service {
    let close: @Sendable () async throws -> Void

    func run() async throws {
        try? await gracefulShutdown()
        // A cancelled group (not a graceful shutdown) still closes the store: in a task of its own,
        // which the group's cancellation does not reach.
        try await Task { try await close() }.value
    }
}

extension StoreConfiguration {
    /// `sqlite` or `postgres`.
    public var kind: String {
        switch self {
        case .sqlite: "sqlite"
        case .postgres: "postgres"
        }
    }
}

extension DefinitionRegistry {
    /// Loads the workflow directory at `path`; a missing or invalid one is a `DaemonSetupError`
    /// (the invalid one carries its diagnostics). `catalogue` carries the daemon's `http.request`
    /// allow-list, so a literal host outside it stops the start-up (F120).
    public static func checked(path: String, catalogue: StepCatalogue = .standard) throws(DaemonSetupError)
        -> DefinitionRegistry
    {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw DaemonSetupError.noWorkflowDirectory(path)
        }
        let registry = DefinitionRegistry(path: path, catalogue: catalogue)
        if registry.directory.diagnostics.hasErrors { throw DaemonSetupError.invalidFlows(registry.directory) }
        return registry
    }
}
