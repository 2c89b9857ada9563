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
        abstract: "Run the daemon: worker, cron scheduler, HTTP server (/health, /metrics, POST /events/{name}).",
        discussion: """
            Each setting comes from its flag, else its environment variable, else the --config file, else \
            the default: --port/FLOW_PORT/port (8080), --host/FLOW_HOST/host (0.0.0.0), \
            --workflows/FLOW_WORKFLOWS/workflows (./workflows), --database/FLOW_DATABASE_URL/database \
            (./flow.sqlite), --log-format/FLOW_LOG_FORMAT/log_format (json, or text when stdout is a \
            terminal), --log-level/FLOW_LOG_LEVEL/log_level (trace, debug, info, notice, warning, error, \
            critical; info). Without Twilio and AeroAPI credentials the daemon runs in SANDBOX MODE: provider \
            calls are answered locally (messages accepted with synthetic SIDs, no flights found) and \
            nothing leaves the machine.
            """
    )

    @Option(name: .long, help: "HTTP port (default 8080).")
    var port: Int?

    @Option(name: .long, help: "HTTP bind address (default 0.0.0.0).")
    var host: String?

    @Option(name: .long, help: "Workflow directory with flows and agencies/ (default ./workflows).")
    var workflows: String?

    @Option(name: .long, help: "Database URL (default: FLOW_DATABASE_URL, else ./flow.sqlite).")
    var database: String?

    @Option(name: .long, help: "Instance lease (e.g. 60s): how long a crashed daemon's work waits to be reclaimed.")
    var lease: String = "60s"

    @Option(name: .long, help: "Log format: json (one object per line on stdout) or text (stderr).")
    var logFormat: String?

    @Option(name: .long, help: "Lowest level logged: trace, debug, info, notice, warning, error, critical (default info).")
    var logLevel: String?

    @Option(name: .long, help: "Config file (YAML: port, host, workflows, database, log_format, log_level).")
    var config: String?

    func run() async throws {
        let settings = try resolvedConfiguration()
        let (port, host, workflows) = (settings.port, settings.host, settings.workflows)
        DaemonSetup.bootstrapLogging(settings.logFormat, level: settings.logLevel)
        let prometheus = PrometheusExport.bootstrap()
        let metrics = RuntimeMetrics()
        let logger = Logger(label: "flow.serve")
        guard let leaseSpan = TimeSpan(parsing: lease), leaseSpan.milliseconds >= 1000 else {
            throw ValidationError("--lease: '\(lease)' is not a duration of at least 1s (e.g. 30s, 2m)")
        }
        let storeConfiguration = try DaemonSetup.storeConfiguration(settings.database)
        let registry = try DaemonSetup.registry(workflows)

        let environment = ProcessInfo.processInfo.environment
        var (credentials, problems) = ProviderCredentials.fromEnvironment(environment)
        let sandbox = credentials.twilio == nil || credentials.aeroapiKey == nil
        for problem in problems {
            // In sandbox mode missing credentials are expected; still show malformed ones.
            logger.log(level: sandbox ? .notice : .warning, "credentials: \(problem)")
        }
        // Agencies' own Twilio accounts (TWILIO_<AGENCY>_…): an unusable one stops the start-up.
        do {
            let (agencyAccounts, warnings) = try TwilioAgencyAccounts.load(environment)
            for warning in warnings { logger.warning("credentials: \(warning)") }
            credentials.agencyTwilio = agencyAccounts
        } catch {
            throw ValidationError("\(error)")
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
            : TwilioWebhookConfiguration.resolve(
                twilio: credentials.twilio, publicBaseURL: endpoints.publicBaseURL, agencyAccounts: credentials.agencyTwilio)
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

        func runGroup(
            _ store: some FlowStore, extra: [any Service], storeProbe: (@Sendable () async throws -> Void)? = nil
        ) async throws {
            // Instances created in this process (events, inbound messages) wake an idle worker at once.
            let wakeup = WorkerWakeup()
            let worker = InstanceWorker(
                store: store, registry: registry, steps: StepRegistry.providers().metered(metrics), transport: transport,
                credentials: credentials, endpoints: endpoints,
                configuration: .init(owner: workerConfiguration.owner, lease: leaseSpan, wakeup: wakeup), metrics: metrics)
            let scheduler = ScheduleService(store: store, registry: registry, metrics: metrics)
            let gauge = InstanceStatusGauge(store: store, metrics: metrics)
            let dispatcher = EventDispatcher(store: store, registry: registry, wakeup: wakeup)
            let sink = StoreTwilioWebhookSink(store: store, registry: registry, wakeup: wakeup)
            let app = buildApplication(host: host, port: port, health: health, storeProbe: storeProbe) { router in
                EventRoutes.add(to: router, dispatcher: dispatcher)
                MetricsRoutes.add(to: router, export: prometheus)
                switch webhooks {
                case .success(let configuration):
                    TwilioWebhookRoutes.add(to: router, sink: sink, configuration: configuration)
                case .failure:
                    TwilioWebhookRoutes.addUnavailable(to: router)
                }
            }
            let group = ServiceGroup(configuration: .init(
                services: extra.map { .init(service: $0) } + [
                    .init(service: worker), .init(service: scheduler), .init(service: gauge), .init(service: app),
                ],
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
                try await runGroup(store, extra: [store], storeProbe: { try await store.probe() })
            }
        } catch {
            FileHandle.standardError.write(Data("flowctl serve: \(storeConfiguration): \(error)\n".utf8))
            throw ExitCodes.runtimeFailure
        }
        logger.info("stopped")
    }
}

extension ServeCommand {
    /// Flags over environment over the --config file over defaults.
    func resolvedConfiguration() throws -> DaemonConfiguration {
        do {
            var flags = DaemonConfiguration.Layer(port: port, host: host, workflows: workflows, database: database)
            if let logFormat {
                flags.logFormat = try DaemonConfiguration.parseLogFormat(logFormat, from: "--log-format")
            }
            if let logLevel { flags.logLevel = try DaemonConfiguration.parseLogLevel(logLevel, from: "--log-level") }
            if let port { _ = try DaemonConfiguration.parsePort("\(port)", from: "--port") }
            let environment = try DaemonConfiguration.environment(ProcessInfo.processInfo.environment)
            var file = DaemonConfiguration.Layer()
            if let config {
                guard let text = try? String(contentsOfFile: config, encoding: .utf8) else {
                    throw ValidationError("cannot read config file: \(config)")
                }
                file = try DaemonConfiguration.file(SourceFile(path: config, text: text))
            }
            return DaemonConfiguration.resolve([flags, environment, file], terminal: isatty(STDOUT_FILENO) != 0)
        } catch let error as DaemonConfiguration.ConfigurationError {
            throw ValidationError(error.message)
        }
    }
}

/// Shared set-up for daemon commands (serve, start).
enum DaemonSetup {
    /// JSON lines on stdout, or swift-log's text handler on stderr; messages below `level` are dropped.
    static func bootstrapLogging(_ format: DaemonConfiguration.LogFormat, level: Logger.Level = .info) {
        LoggingSystem.bootstrap { label in
            switch format {
            case .json:
                var handler = JSONLogHandler(label: label)
                handler.logLevel = level
                return handler
            case .text:
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
        }
    }

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
