import AsyncHTTPClient
import FakeProviders
import Foundation
import Steps
import Synchronization

/// One `flowctl serve` of the chaos run: the `flowctl` next to `flow-bench`, on a fixed loopback
/// port, with the fakes' credentials and endpoints, a short lease and the fake backend allowed.
/// It is killed with SIGKILL and started again on the same port and log.
final class ChaosDaemon: Sendable {
    let name: String
    let port: Int
    let log: String
    private let arguments: [String]
    private let environment: [String: String]
    private let process = Mutex<Process?>(nil)

    var base: String { "http://127.0.0.1:\(port)" }

    init(name: String, database: String, workflows: String, scratch: String, fake: FakeProviderServer, fakeBase: String,
         lease: String) throws
    {
        self.name = name
        port = try LoopbackPort.free()
        log = scratch + "/\(name).log"
        FileManager.default.createFile(atPath: log, contents: nil)
        arguments = [
            "serve", "--host", "127.0.0.1", "--port", String(port), "--workflows", workflows, "--database", database,
            "--lease", lease, "--log-level", "warning",
        ]
        var env = fake.configuration.daemonEnvironment(base: fakeBase)
        env["FLOW_HTTP_ALLOW_HOSTS"] = String(fakeBase.dropFirst("http://".count))
        environment = env
    }

    /// Starts the process and waits until `/health` answers.
    func start(client: HTTPClient) async throws {
        let child = Process()
        child.executableURL = URL(fileURLWithPath: try ServedDaemon.flowctl())
        child.arguments = arguments
        child.environment = environment
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        handle.seekToEndOfFile()
        handle.write(Data("\n===== \(name) start at \(Date()) =====\n".utf8))
        child.standardOutput = handle
        child.standardError = handle
        child.standardInput = FileHandle.nullDevice
        try child.run()
        try? handle.close()
        // An earlier child still recorded (its exit maybe unseen) is not left behind.
        if let earlier = process.withLock({ p in defer { p = child }; return p }) {
            kill(earlier.processIdentifier, SIGKILL)
        }
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            guard child.isRunning else { throw BenchError("\(name) exited with \(child.terminationStatus); see \(log)") }
            if let response = try? await client.execute(HTTPClientRequest(url: base + "/health"), timeout: .seconds(1)),
               response.status == .ok
            {
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw BenchError("\(name) did not answer /health in 60 s; see \(log)")
    }

    /// SIGKILL: no shutdown at all; its leases stay held until they expire.
    func kill9() {
        guard let child = process.withLock({ p in defer { p = nil }; return p }) else { return }
        kill(child.processIdentifier, SIGKILL)
        child.waitUntilExit()
    }

    /// SIGTERM and wait up to 10 s, then SIGKILL — whatever `Process.isRunning` says: once the run
    /// has restarted PostgreSQL, whose new server inherits this process's descriptors, Foundation
    /// can miss a child's exit or state, and a daemon left running here outlived the run.
    func stop() async {
        guard let child = process.withLock({ p in defer { p = nil }; return p }) else { return }
        kill(child.processIdentifier, SIGTERM)
        let deadline = ContinuousClock.now + .seconds(10)
        while child.isRunning && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(50)) }
        kill(child.processIdentifier, SIGKILL)
    }

    var isRunning: Bool { process.withLock { $0?.isRunning ?? false } }
}
