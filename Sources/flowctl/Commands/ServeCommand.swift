import ArgumentParser
import FlowRuntime
import Foundation
import Logging
import Steps
import Travel

/// `flowctl serve`: parses the configuration and runs the daemon `buildApplication` assembles.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Run the daemon: worker, cron scheduler, HTTP API and webhooks.",
        discussion: """
            Each setting comes from its flag, else its environment variable (FLOW_PORT, FLOW_HOST, FLOW_WORKFLOWS, \
            FLOW_DATABASE_URL, FLOW_LOG_FORMAT, FLOW_LOG_LEVEL, FLOW_HTTP_ALLOW_HOSTS), else the --config file, else \
            the default. OpenTelemetry traces (a span per instance run and step) go over OTLP/HTTP to OTEL_EXPORTER_OTLP_ENDPOINT \
            (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) when set; off otherwise. Each \
            provider without credentials (Twilio, AeroAPI, OpenAI) is SANDBOXED: answered locally, nothing sent to \
            it; /health lists each provider's mode. With --fixtures FILE the sandbox answers from that file (the \
            dry-run's format, e.g. examples/trip-planning/fixtures.yaml): the whole product runs with no keys.
            """)
    @Option(help: "HTTP port (default 8080).")
    var port: Int?
    @Option(help: "HTTP bind address (default 0.0.0.0).")
    var host: String?
    @Option(help: "Workflow directory with flows and agencies/ (default ./workflows).")
    var workflows: String?
    @Option(help: "Database URL (default: FLOW_DATABASE_URL, else ./flow.sqlite).")
    var database: String?
    @Option(help: "Instance lease (e.g. 60s): how long a crashed daemon's work waits to be reclaimed.")
    var lease: String = "60s"
    @Option(help: "Log format: json (one object per line on stdout; the default off a terminal) or text (stderr).")
    var logFormat: String?
    @Option(help: "Lowest level logged: trace, debug, info, notice, warning, error, critical (default info).")
    var logLevel: String?
    @Option(help: "Browser origins allowed by CORS, comma-separated (default: none, no CORS headers).")
    var corsOrigins: String?
    @Option(help: "Sandbox fixtures (the dry-run's format): every sandboxed provider, OpenAI included, answers from them.")
    var fixtures: String?
    @Option(help: "Hosts http.request may call, comma-separated (api.example.com,*.internal.example,localhost:8080; default none).")
    var httpAllowHosts: String?
    @Option(help: "Config file (YAML: port, host, workflows, database, log_format, log_level, cors_origins, fixtures, http_allow_hosts).")
    var config: String?

    func run() async throws {
        let configuration = try resolvedConfiguration()
        DaemonSetup.bootstrapLogging(configuration.logFormat, level: configuration.logLevel)
        let variables = ProcessInfo.processInfo.environment
        // Traces only when OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT names a collector.
        let traces: TraceExport?
        do {
            traces = try TraceExport.bootstrap(variables, logger: Logger(label: "flow.otel"))
        } catch {
            throw ValidationError("OpenTelemetry traces: \(error)")
        }
        let environment = DaemonEnvironment(
            variables: variables, prometheus: PrometheusExport.bootstrap(),
            transport: AsyncHTTPClientTransport(), traces: traces)
        do {
            let app = try await buildApplication(
                configuration: configuration, product: TravelProduct(), environment: environment)
            try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
        } catch DaemonSetupError.invalidFlows(let directory) {
            DiagnosticOutput.print(directory.diagnostics, sources: directory.sources, format: .text)
            throw ExitCodes.invalidFlow
        } catch let error as DaemonSetupError {
            throw ValidationError(error.description)
        } catch {
            let database = configuration.database ?? "sqlite"
            FileHandle.standardError.write(Data("flowctl serve: \(database): \(error)\n".utf8))
            throw ExitCodes.runtimeFailure
        }
        Logger(label: "flow.serve").info("stopped")
    }
}
