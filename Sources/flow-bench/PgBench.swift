import FlowRuntime
import Foundation

/// Runs `pgbench` with a custom script equivalent to one store transition as `PostgresFlowStore`
/// writes it (one statement: update the instance's state, status, wake-up, lease and `last_seq`,
/// append two history rows) to show what the database itself can do for that write.
enum PgBench {
    /// The custom script; the same text is documented in docs/benchmarks.md.
    static let script = """
        \\set id random(1, 10000)
        WITH moved AS (
            UPDATE bench_instances SET state = '{"n":1}', updated_at = now(), lease_owner = NULL, lease_until = NULL,
                last_seq = last_seq + 2
            WHERE id = :id RETURNING last_seq - 2 AS base)
        INSERT INTO bench_events (instance_id, seq, at, kind, details)
        SELECT :id, moved.base + h.n, now(), h.kind, '{"n":1}'
        FROM moved, unnest(ARRAY['step_succeeded', 'step_called']) WITH ORDINALITY AS h(kind, n);

        """

    /// One pgbench run: clients, transactions per second (nil when it failed) and the printed line.
    struct Figure {
        var clients: Int
        var tps: Double?
        var line: String
    }

    static let setup = """
        DROP TABLE IF EXISTS bench_events; DROP TABLE IF EXISTS bench_instances;
        CREATE TABLE bench_instances (id int PRIMARY KEY, state json NOT NULL, lease_owner text,
            lease_until timestamptz, updated_at timestamptz, last_seq bigint NOT NULL DEFAULT 0);
        INSERT INTO bench_instances SELECT g, '{"n":0}', NULL, NULL, now() FROM generate_series(1, 10000) g;
        CREATE TABLE bench_events (instance_id int NOT NULL, seq bigint NOT NULL, at timestamptz NOT NULL,
            kind text NOT NULL, details jsonb NOT NULL, PRIMARY KEY (instance_id, seq));
        """

    /// Transactions per client (`-t`): about 5,000 in all, bounded in count rather than time.
    static func transactions(clients: Int) -> Int { max(50, 5_000 / max(1, clients)) }

    static func run(settings: StoreConfiguration.PostgresSettings, clients: [Int]) -> [Figure] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("flow-pgbench-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let scriptPath = directory.appendingPathComponent("transition.sql").path
            try script.write(toFile: scriptPath, atomically: true, encoding: .utf8)
            let common = ["-h", settings.host, "-p", String(settings.port), "-U", settings.username]
            let (setupStatus, _) = try execute("psql", common + ["-q", "-v", "ON_ERROR_STOP=1", "-c", setup, settings.database], settings)
            guard setupStatus == 0 else {
                return [Figure(clients: 0, tps: nil, line: "  pgbench: setup with psql failed (exit \(setupStatus))")]
            }
            var lines: [Figure] = []
            for count in clients {
                let arguments = common + [
                    "-n", "-c", String(count), "-j", String(min(count, 2)), "-t", String(transactions(clients: count)),
                    "-f", scriptPath, settings.database,
                ]
                let (status, output) = try execute("pgbench", arguments, settings)
                let tps = output.split(separator: "\n").first { $0.hasPrefix("tps") }.map(String.init) ?? "no tps line"
                let latency = output.split(separator: "\n").first { $0.hasPrefix("latency average") }.map(String.init) ?? ""
                let value = status == 0 ? tps.split(separator: " ").dropFirst(2).first.flatMap { Double($0) } : nil
                lines.append(Figure(
                    clients: count, tps: value,
                    line: "  pgbench  c=\(count): \(status == 0 ? "\(tps); \(latency)" : "failed (exit \(status))")"))
            }
            _ = try? execute("psql", common + ["-q", "-c", "DROP TABLE bench_events; DROP TABLE bench_instances;", settings.database], settings)
            return lines
        } catch {
            return [Figure(clients: 0, tps: nil, line: "  pgbench: could not run (\(error))")]
        }
    }

    /// Runs a PostgreSQL client tool; the password travels in PGPASSWORD, never on the command line.
    static func execute(
        _ tool: String, _ arguments: [String], _ settings: StoreConfiguration.PostgresSettings
    ) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        var environment = ProcessInfo.processInfo.environment
        if let password = settings.password { environment["PGPASSWORD"] = password }
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
