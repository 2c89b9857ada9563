import FakeProviders
import FlowEngine
import Foundation
import Steps
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// One `flowctl serve` child process for the durability tests: the built binary on a free
/// loopback port, with the fake providers' credentials and endpoints, its output appended to a
/// log file that failures show. It can be killed with SIGKILL and started again on the same
/// log, database and port.
final class DaemonProcess: Sendable {
    struct LaunchError: Error, CustomStringConvertible {
        var description: String
    }

    let name: String
    let database: String
    let workflows: String
    let fakeBaseURL: String
    let fakeConfiguration: FakeProviderServer.Configuration
    /// The lease passed to `flowctl serve --lease`: how long a killed daemon's instances wait.
    let lease: String
    let logPath: String
    let port: Int
    private let process = Mutex<Process?>(nil)
    private let launches = Mutex(0)

    init(
        name: String, database: String, workflows: String, fakeBaseURL: String,
        fakeConfiguration: FakeProviderServer.Configuration, lease: String, logDirectory: String
    ) throws {
        self.name = name
        self.database = database
        self.workflows = workflows
        self.fakeBaseURL = fakeBaseURL
        self.fakeConfiguration = fakeConfiguration
        self.lease = lease
        self.logPath = (logDirectory as NSString).appendingPathComponent("\(name).log")
        self.port = try LoopbackPort.free()
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
    }

    /// How many times the daemon was started.
    var launchCount: Int { launches.withLock { $0 } }

    /// Starts the daemon and waits until `/health` answers (or the process dies).
    func start() async throws {
        let child = Process()
        child.executableURL = URL(fileURLWithPath: try Self.flowctlPath())
        child.arguments = [
            "serve", "--host", "127.0.0.1", "--port", String(port), "--workflows", workflows,
            "--database", database, "--lease", lease,
        ]
        child.environment = environment()
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        log.seekToEndOfFile()
        let launch = launches.withLock { $0 += 1; return $0 }
        log.write(Data("\n===== \(name) launch \(launch) at \(Date()) =====\n".utf8))
        child.standardOutput = log
        child.standardError = log
        child.standardInput = FileHandle.nullDevice
        try child.run()
        try? log.close()
        process.withLock { $0 = child }
        try await waitHealthy(child)
    }

    /// SIGKILL: no graceful shutdown, leases stay held until they expire.
    func kill9() {
        guard let child = process.withLock({ p in defer { p = nil }; return p }) else { return }
        kill(child.processIdentifier, SIGKILL)
        child.waitUntilExit()
    }

    /// SIGTERM and wait (graceful shutdown); SIGKILL after `grace`. Whether it exited by itself, with 0.
    @discardableResult
    func stop(grace: Duration = .seconds(10)) async -> Bool {
        guard let child = process.withLock({ p in defer { p = nil }; return p }) else { return false }
        guard child.isRunning else { return false }
        kill(child.processIdentifier, SIGTERM)
        let deadline = ContinuousClock.now + grace
        while child.isRunning && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        let graceful = !child.isRunning
        if !graceful { kill(child.processIdentifier, SIGKILL) }
        child.waitUntilExit()
        return graceful && child.terminationStatus == 0
    }

    /// Whether the current process is alive.
    var isRunning: Bool { process.withLock { $0?.isRunning ?? false } }

    /// The last `lines` lines of the daemon's log, for failure messages.
    func logTail(_ lines: Int = 40) -> String {
        let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "(no log at \(logPath))"
        let tail = text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines)
        return "--- \(name) log (\(logPath)), last \(tail.count) lines ---\n" + tail.joined(separator: "\n")
    }

    /// Every line of the log containing `text`.
    func logLines(containing text: String) -> [String] {
        let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        return log.split(separator: "\n").filter { $0.contains(text) }.map(String.init)
    }

    private func environment() -> [String: String] {
        fakeConfiguration.daemonEnvironment(base: fakeBaseURL)
    }

    private func waitHealthy(_ child: Process) async throws {
        let transport = AsyncHTTPClientTransport()
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            guard child.isRunning else {
                throw LaunchError(description: "\(name) exited with \(child.terminationStatus)\n\(logTail())")
            }
            let request = HTTPRequestSpec(method: .get, url: "http://127.0.0.1:\(port)/health")
            if let response = try? await transport.send(request, timeout: .seconds(1)), response.status == 200 {
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw LaunchError(description: "\(name) did not answer /health within 30s\n\(logTail())")
    }

    /// The built `flowctl`: `FLOW_FLOWCTL`, else next to the test bundle in the build products directory.
    static func flowctlPath() throws -> String {
        if let explicit = ProcessInfo.processInfo.environment["FLOW_FLOWCTL"], !explicit.isEmpty { return explicit }
        var candidates: [URL] = []
        let argument = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
        candidates.append(argument.deletingLastPathComponent())
        candidates.append(Bundle.main.bundleURL.deletingLastPathComponent())
        candidates.append(Bundle.main.bundleURL)
        // Inside an .xctest bundle directory (macOS layout): walk up to the products directory.
        for url in Array(candidates) {
            var current = url
            for _ in 0..<3 {
                current = current.deletingLastPathComponent()
                candidates.append(current)
            }
        }
        for directory in candidates {
            let path = directory.appendingPathComponent("flowctl").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        throw LaunchError(description: """
            flowctl not found next to the test bundle (\(CommandLine.arguments[0])); build it \
            (`swift build --build-tests`) or set FLOW_FLOWCTL
            """)
    }
}
