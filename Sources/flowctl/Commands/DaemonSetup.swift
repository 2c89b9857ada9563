import ArgumentParser
import FlowEngine
import FlowRuntime
import Foundation
import Logging

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
        do {
            return try DefinitionRegistry.checked(path: path)
        } catch DaemonSetupError.invalidFlows(let directory) {
            DiagnosticOutput.print(directory.diagnostics, sources: directory.sources, format: .text)
            throw ExitCodes.invalidFlow
        } catch {
            throw ValidationError("\(error)")
        }
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
            flags.corsOrigins = corsOrigins.map(DaemonConfiguration.parseOrigins)
            flags.fixtures = fixtures
            if let httpAllowHosts {
                flags.httpAllowHosts = try DaemonConfiguration.parseHosts(httpAllowHosts, from: "--http-allow-hosts")
            }
            if let port { _ = try DaemonConfiguration.parsePort("\(port)", from: "--port") }
            let environment = try DaemonConfiguration.environment(ProcessInfo.processInfo.environment)
            var file = DaemonConfiguration.Layer()
            if let config {
                guard let text = try? String(contentsOfFile: config, encoding: .utf8) else {
                    throw ValidationError("cannot read config file: \(config)")
                }
                file = try DaemonConfiguration.file(SourceFile(path: config, text: text))
            }
            var configuration = DaemonConfiguration.resolve([flags, environment, file], terminal: isatty(STDOUT_FILENO) != 0)
            guard let lease = TimeSpan(parsing: lease), lease.milliseconds >= 1000 else {
                throw ValidationError("--lease: '\(lease)' is not a duration of at least 1s (e.g. 30s, 2m)")
            }
            configuration.lease = lease
            return configuration
        } catch let error as DaemonConfiguration.ConfigurationError {
            throw ValidationError(error.message)
        }
    }
}

