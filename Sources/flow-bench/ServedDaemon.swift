import AsyncHTTPClient
import FlowEngine
import FlowRuntime
import Foundation
import Travel

/// One `flowctl serve` process for the API benchmark: the release `flowctl` next to `flow-bench`,
/// on a free loopback port, over `database`, with a workflow directory of the benchmark's flows,
/// providers sandboxed (no credentials), its log in the scratch directory.
final class ServedDaemon: @unchecked Sendable {
    let port: Int
    let process: Process
    let log: String

    var base: String { "http://127.0.0.1:\(port)" }

    init(database: String, workflows: String, scratch: String, name: String) throws {
        port = try Self.freePort()
        log = scratch + "/\(name).log"
        FileManager.default.createFile(atPath: log, contents: nil)
        process = Process()
        process.executableURL = URL(fileURLWithPath: try Self.flowctl())
        process.arguments = [
            "serve", "--host", "127.0.0.1", "--port", String(port), "--workflows", workflows, "--database", database,
            "--log-level", "warning",
        ]
        var environment = ProcessInfo.processInfo.environment
        for key in environment.keys where key.hasPrefix("TWILIO_") || key.hasPrefix("FLOW_") || key == "AEROAPI_KEY"
            || key == "OPENAI_API_KEY"
        {
            environment[key] = nil
        }
        // The benchmarks measure capacity; the per-key rate limit (100/s by default) would answer 429.
        environment["FLOW_RATE_LIMIT"] = "off"
        process.environment = environment
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardOutput = handle
        process.standardError = handle
    }

    func start(client: HTTPClient) async throws {
        try process.run()
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            guard process.isRunning else { throw BenchError("flowctl serve exited; see \(log)") }
            if let response = try? await client.execute(HTTPClientRequest(url: base + "/health"), timeout: .seconds(1)),
               response.status == .ok
            {
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw BenchError("flowctl serve did not answer /health in 60 s; see \(log)")
    }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    /// The daemon's resident memory (VmRSS), in KiB.
    var residentKiB: Int {
        let text = (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)) ?? ""
        let line = text.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }

    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { throw BenchError("no free loopback port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// `flowctl` built next to this executable (`swift build -c release` builds both).
    static func flowctl() throws -> String {
        let here = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let path = here.appendingPathComponent("flowctl").path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw BenchError("no flowctl next to flow-bench (\(path)): run `swift build -c release` first")
        }
        return path
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
