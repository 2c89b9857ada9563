import ArgumentParser
import FlowEngine
import FlowRuntime
import Foundation
import Logging
import ServiceLifecycle
import Steps

/// `flowctl serve`: the daemon — a worker on the configured store plus the HTTP surface.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the daemon: instance worker and HTTP server (GET /health).",
        discussion: """
            The database is --database, else FLOW_DATABASE_URL, else ./flow.sqlite. Without Twilio and \
            AeroAPI credentials the daemon runs in SANDBOX MODE: provider calls are answered locally \
            (messages accepted with synthetic SIDs, no flights found) and nothing leaves the machine.
            """
    )

    @Option(name: .long, help: "HTTP port.")
    var port: Int = 8080

    @Option(name: .long, help: "HTTP bind address.")
    var host: String = "0.0.0.0"

    @Option(name: .long, help: "Workflow directory (flows and agencies/).")
    var workflows: String = "./workflows"

    @Option(name: .long, help: "Database URL (default: FLOW_DATABASE_URL, else ./flow.sqlite).")
    var database: String?

    func run() async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .info
            return handler
        }
        let logger = Logger(label: "flow.serve")
        let storeConfiguration = try DaemonSetup.storeConfiguration(database)
        let registry = try DaemonSetup.registry(workflows)

        let environment = ProcessInfo.processInfo.environment
        var (credentials, problems) = ProviderCredentials.fromEnvironment(environment)
        let sandbox = credentials.twilio == nil || credentials.aeroapiKey == nil
        for problem in problems {
            // In sandbox mode missing credentials are expected; still show malformed ones.
            logger.log(level: sandbox ? .notice : .warning, "credentials: \(problem)")
        }
        let endpoints: ProviderEndpoints
        do {
            endpoints = try ProviderEndpoints.fromEnvironment(environment)
        } catch {
            throw ValidationError("\(error)")
        }
        for (variable, url) in endpoints.overrides() {
            logger.notice("provider endpoint overridden", metadata: ["flow.variable": "\(variable)", "flow.url": "\(url)"])
        }
        let webhooks: Result<TwilioWebhookConfiguration, TwilioWebhookUnavailable> = sandbox
            ? .failure(TwilioWebhookUnavailable(reason: "sandbox mode"))
            : TwilioWebhookConfiguration.resolve(twilio: credentials.twilio, publicBaseURL: endpoints.publicBaseURL)
        switch webhooks {
        case .success(let configuration): logger.info("Twilio webhooks at \(configuration.publicURL)/webhooks/twilio/…")
        case .failure(let unavailable): logger.log(level: sandbox ? .notice : .warning, "\(unavailable)")
        }
        let transport: any HTTPTransport
        if sandbox {
            var missing: [String] = []
            if credentials.twilio == nil { missing.append("Twilio") }
            if credentials.aeroapiKey == nil { missing.append("AeroAPI") }
            logger.warning("""
                SANDBOX MODE: no \(missing.joined(separator: "/")) credentials; provider calls are answered \
                locally (Twilio messages accepted with synthetic SIDs, AeroAPI finds no flights). \
                Nothing leaves the machine.
                """)
            let responder = FixtureResponder(
                fixtures: DryRunFixtures(), endpoints: endpoints, start: InstanceWorker<InMemoryFlowStore>.wallClock())
            transport = responder.transport
            credentials = ProviderCredentials(
                twilio: .authToken(accountSid: "AC" + String(repeating: "0", count: 32), token: "sandbox",
                                   messagingServiceSid: "MG" + String(repeating: "0", count: 32)),
                aeroapiKey: Secret("sandbox"), openaiKey: credentials.openaiKey ?? Secret("sandbox"))
        } else {
            transport = AsyncHTTPClientTransport()
        }

        let health = HealthReport(
            store: storeConfiguration.kind, sandbox: sandbox, flows: registry.flowNames)
        let owner = "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)"
        let workerConfiguration = InstanceWorker<InMemoryFlowStore>.Configuration(owner: owner)
        let now = InstanceWorker<InMemoryFlowStore>.wallClock()

        func runGroup(_ store: some FlowStore, extra: [any Service]) async throws {
            let worker = InstanceWorker(
                store: store, registry: registry, steps: .providers(), transport: transport,
                credentials: credentials, endpoints: endpoints,
                configuration: .init(owner: workerConfiguration.owner))
            let sink = StoreTwilioWebhookSink(store: store, registry: registry)
            let app = buildApplication(host: host, port: port, health: health) { router in
                switch webhooks {
                case .success(let configuration): TwilioWebhookRoutes.add(to: router, sink: sink, configuration: configuration)
                case .failure: TwilioWebhookRoutes.addUnavailable(to: router)
                }
            }
            let group = ServiceGroup(configuration: .init(
                services: extra.map { .init(service: $0) } + [.init(service: worker), .init(service: app)],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
            logger.info("serving", metadata: [
                "flow.database": "\(storeConfiguration)", "flow.port": "\(port)",
                "flow.flows": "\(registry.flowNames.joined(separator: ","))",
            ])
            try await group.run()
        }

        do {
            switch storeConfiguration {
            case .sqlite(let location):
                let store = try await SQLiteFlowStore.open(location, migrate: true)
                do {
                    try await registry.publish(to: store, at: now)
                    try await runGroup(store, extra: [])
                    try await store.close()
                } catch {
                    try? await store.close()
                    throw error
                }
            case .postgres(let settings):
                let store = PostgresFlowStore(configuration: settings.clientConfiguration())
                // The pool must run while migrating and publishing; it then runs in the group.
                try await PostgresFlowStore.withStore(settings.clientConfiguration(maximumConnections: 2)) { setup in
                    try await registry.publish(to: setup, at: now)
                }
                try await runGroup(store, extra: [store])
            }
        } catch {
            FileHandle.standardError.write(Data("flowctl serve: \(storeConfiguration): \(error)\n".utf8))
            throw ExitCodes.runtimeFailure
        }
        logger.info("stopped")
    }
}

/// Shared set-up for daemon commands (serve, start).
enum DaemonSetup {
    static func storeConfiguration(_ database: String?) throws -> StoreConfiguration {
        do {
            return try database.map(StoreConfiguration.from(url:)) ?? StoreConfiguration.fromEnvironment()
        } catch {
            throw ValidationError("\(error)")
        }
    }

    /// Loads the workflow directory; prints diagnostics and exits 65 when it is invalid.
    static func registry(_ path: String) throws -> DefinitionRegistry {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ValidationError("no such workflow directory: \(path)")
        }
        let registry = DefinitionRegistry(path: path)
        let directory = registry.directory
        if directory.diagnostics.hasErrors {
            DiagnosticOutput.print(directory.diagnostics, sources: directory.sources, format: .text)
            throw ExitCodes.invalidFlow
        }
        return registry
    }
}

extension StoreConfiguration {
    /// `sqlite` or `postgres`.
    var kind: String {
        switch self {
        case .sqlite: "sqlite"
        case .postgres: "postgres"
        }
    }
}
