import ArgumentParser
import FlowEngine
import FlowRuntime
import Foundation
import Logging
import Steps
import Travel

/// `flowctl serve`: the daemon — a worker on the configured store plus the HTTP surface.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the daemon: worker, cron scheduler, HTTP server (/health, /metrics, POST /events/{name}, webhooks).",
        discussion: """
            Each setting comes from its flag, else its environment variable, else the --config file, else \
            the default: --port/FLOW_PORT/port (8080), --host/FLOW_HOST/host (0.0.0.0), \
            --workflows/FLOW_WORKFLOWS/workflows (./workflows), --database/FLOW_DATABASE_URL/database \
            (./flow.sqlite), --log-format/FLOW_LOG_FORMAT/log_format (json, or text when stdout is a \
            terminal), --log-level/FLOW_LOG_LEVEL/log_level (trace, debug, info, notice, warning, error, \
            critical; info). Each provider without credentials (Twilio, AeroAPI, OpenAI) runs in SANDBOX MODE: \
            its calls are answered locally (messages accepted with synthetic SIDs, no flights found) and \
            nothing is sent to it; the others are live. /health lists each provider's mode.
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
        let configuration = try resolvedConfiguration()
        DaemonSetup.bootstrapLogging(configuration.logFormat, level: configuration.logLevel)
        let environment = DaemonEnvironment(
            variables: ProcessInfo.processInfo.environment, prometheus: PrometheusExport.bootstrap(),
            transport: AsyncHTTPClientTransport())
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
            FileHandle.standardError.write(Data("flowctl serve: \(configuration.database ?? "sqlite"): \(error)\n".utf8))
            throw ExitCodes.runtimeFailure
        }
        Logger(label: "flow.serve").info("stopped")
    }
}
