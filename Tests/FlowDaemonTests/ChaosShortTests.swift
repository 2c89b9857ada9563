import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing

extension DurabilityTests {
    /// The short version of `scripts/chaos.sh` (docs/reliability.md): the same `flow-bench chaos`
    /// driver at a size the test command can afford, on a cluster of its own (it restarts it; the
    /// other tests share scripts/test.sh's cluster and must not see that restart).
    @Test("chaos, short: 60 instances on 2 daemons, 30 % provider faults, 5 SIGKILLs, a Postgres restart — 0 lost, 0 duplicates")
    func chaosShort() async throws {
        guard OwnPostgresCluster.available else {
            print("skipped: FLOW_TEST_POSTGRES_URL is not set (scripts/test.sh sets it)")
            return
        }
        let cluster = try await OwnPostgresCluster.make()
        defer { cluster.destroy() }
        let bench = URL(fileURLWithPath: try DaemonProcess.flowctlPath()).deletingLastPathComponent()
            .appendingPathComponent("flow-bench").path
        let arguments = [
            "chaos", "--instances", "60", "--daemons", "2", "--kills", "5", "--kill-interval", "2", "--fault-rate", "0.3",
            "--baseline", "10", "--deadline", "150", "--seed", "16", "--pg-data", cluster.directory,
        ]
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("chaos-short-\(UUID()).out").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        var settings = ProcessInfo.processInfo.environment
        settings["FLOW_BENCH_POSTGRES_URL"] = cluster.url
        let environment = settings
        let status = try await Blocking.run {
            try ChildCommand.run([bench] + arguments, environment: environment, output: output)
        }
        let leaked = Self.killDaemons(using: cluster.url)
        let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        print(text)
        #expect(leaked.isEmpty, "flow-bench chaos left daemons running: \(leaked)")
        #expect(status == 0, "flow-bench chaos failed (wait status \(status)):\n\(text)")
        #expect(text.contains(", 0 lost"), "\(text)")
        #expect(text.contains("0 duplicated"), "\(text)")
        #expect(text.contains("PASSED"), "\(text)")
        #expect(text.contains("PostgreSQL restarted"), "\(text)")
    }

    /// SIGKILLs every `flowctl serve` still running on `database` (the run's own cluster) and returns
    /// their pids: the driver must have stopped them all.
    static func killDaemons(using database: String) -> [Int32] {
        let pids = (try? FileManager.default.contentsOfDirectory(atPath: "/proc"))?.compactMap(Int32.init) ?? []
        return pids.filter { pid in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
            let command = String(decoding: data.map { $0 == 0 ? 32 : $0 }, as: UTF8.self)
            guard command.contains("flowctl serve"), command.contains(database) else { return false }
            kill(pid, SIGKILL)
            return true
        }
    }
}
