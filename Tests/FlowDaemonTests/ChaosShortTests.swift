import Foundation
import Testing

extension DurabilityTests {
    /// The short version of `scripts/chaos.sh` (docs/reliability.md): the same `flow-bench chaos`
    /// driver at a size the test command can afford.
    @Test("chaos, short: 60 instances on 2 daemons, 30 % provider faults, 5 SIGKILLs, a Postgres restart — 0 lost, 0 duplicates")
    func chaosShort() async throws {
        guard TestPostgres.url != nil else {
            print("skipped: FLOW_TEST_POSTGRES_URL is not set (scripts/test.sh sets it)")
            return
        }
        let database = try await TestPostgres.freshDatabase()
        let bench = URL(fileURLWithPath: try DaemonProcess.flowctlPath()).deletingLastPathComponent()
            .appendingPathComponent("flow-bench").path
        var arguments = [
            "chaos", "--instances", "60", "--daemons", "2", "--kills", "5", "--kill-interval", "2", "--fault-rate", "0.3",
            "--baseline", "10", "--deadline", "150", "--seed", "16",
        ]
        if let data = TestPostgres.dataDirectory { arguments += ["--pg-data", data] }
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("chaos-short-\(UUID()).out").path
        FileManager.default.createFile(atPath: output, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: output) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: bench)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["FLOW_BENCH_POSTGRES_URL"] = database
        process.environment = environment
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        try? handle.close()
        while process.isRunning { try await Task.sleep(for: .milliseconds(200)) }
        let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        print(text)
        #expect(process.terminationStatus == 0, "flow-bench chaos failed:\n\(text)")
        #expect(text.contains(", 0 lost"), "\(text)")
        #expect(text.contains("0 duplicated"), "\(text)")
        #expect(text.contains("PASSED"), "\(text)")
        if TestPostgres.dataDirectory != nil { #expect(text.contains("PostgreSQL restarted"), "\(text)") }
    }
}
