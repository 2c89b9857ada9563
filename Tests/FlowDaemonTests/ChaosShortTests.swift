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
            try Self.spawnAndWait([bench] + arguments, environment: environment, output: output)
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

    /// Runs `command` with posix_spawn, its output into `output`, and waits with waitpid: the run
    /// restarts PostgreSQL, whose server then holds the pipes Foundation's Process watches, and
    /// Process never sees the driver exit (the same reason as `OwnPostgresCluster.runBlocking`).
    static func spawnAndWait(_ command: [String], environment: [String: String], output: String) throws -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv: [UnsafeMutablePointer<CChar>?] = command.map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in argv + envp { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, command[0], &actions, nil, argv, envp)
        guard spawned == 0 else {
            throw OwnPostgresCluster.CommandError(description: "cannot run \(command[0]): errno \(spawned)")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        return status
    }
}
