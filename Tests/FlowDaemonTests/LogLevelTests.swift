import FlowEngine
import FlowRuntime
import Travel
import Foundation
import Logging
import Testing

/// `flowctl serve --log-level`: flag over `FLOW_LOG_LEVEL` over the config file's `log_level`
/// over `info`, each validated with an error naming where the bad value came from.
@Suite("Log level")
struct LogLevelTests {
    @Test("precedence: flag, environment, file, info", arguments: [
        ("debug" as String?, "error" as String?, "warning" as String?, Logger.Level.debug),
        (nil, "error", "warning", .error),
        (nil, nil, "warning", .warning),
        (nil, nil, nil, .info),
        ("TRACE", nil, nil, .trace),
    ])
    func precedence(flag: String?, environment: String?, file: String?, expected: Logger.Level) throws {
        var flags = DaemonConfiguration.Layer()
        if let flag { flags.logLevel = try DaemonConfiguration.parseLogLevel(flag, from: "--log-level") }
        let env = try DaemonConfiguration.environment(environment.map { ["FLOW_LOG_LEVEL": $0] } ?? [:])
        let fileLayer = try DaemonConfiguration.file(SourceFile(
            path: "flow.yaml", text: file.map { "log_level: \($0)\n" } ?? "port: 8080\n"))
        let resolved = DaemonConfiguration.resolve([flags, env, fileLayer], terminal: false)
        #expect(resolved.logLevel == expected)
    }

    @Test("a bad level says where it came from and what is allowed", arguments: [
        ("--log-level", "loud"), ("FLOW_LOG_LEVEL", "verbose"), ("flow.yaml:1:12", "warn"),
    ])
    func badLevel(place: String, text: String) {
        let allowed = "must be one of trace, debug, info, notice, warning, error, critical"
        #expect {
            switch place {
            case "FLOW_LOG_LEVEL": _ = try DaemonConfiguration.environment(["FLOW_LOG_LEVEL": text])
            case "--log-level": _ = try DaemonConfiguration.parseLogLevel(text, from: place)
            default: _ = try DaemonConfiguration.file(SourceFile(path: "flow.yaml", text: "log_level: \(text)\n"))
            }
        } throws: { error in
            "\(error)" == "\(place): log level '\(text)' \(allowed)"
        }
    }

    @Test("flowctl serve --log-level with a bad value exits 64 before starting")
    func serveRejectsBadLevel() async throws {
        let result = try await StartAgencyTests.flowctl(["serve", "--log-level", "loud", "--workflows", EventFixtures.workflows])
        #expect(result.status == 64, "\(result.output)")
        #expect(result.output.contains("--log-level: log level 'loud' must be one of"), "\(result.output)")
    }
}
