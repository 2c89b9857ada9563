import FlowRuntime
import Foundation

/// Runs `pgbench` with a custom script equivalent to one store transition (claim the row, update
/// state and release, append one history row) to show what the database itself can do.
enum PgBench {
    /// The custom script; the same text is documented in docs/benchmarks.md.
    static let script = """
        \\set id random(1, 10000)
        BEGIN;
        UPDATE bench_instances SET lease_owner = 'w', lease_until = now() + interval '30 seconds' WHERE id = :id;
        UPDATE bench_instances SET state = '{"n":1}', updated_at = now(), lease_owner = NULL, lease_until = NULL WHERE id = :id;
        INSERT INTO bench_events (instance_id, at, kind, details) VALUES (:id, now(), 'state_entered', '{"n":1}');
        END;

        """

    static let setup = """
        DROP TABLE IF EXISTS bench_events; DROP TABLE IF EXISTS bench_instances;
        CREATE TABLE bench_instances (id int PRIMARY KEY, state json NOT NULL, lease_owner text,
            lease_until timestamptz, updated_at timestamptz);
        INSERT INTO bench_instances SELECT g, '{"n":0}', NULL, NULL, now() FROM generate_series(1, 10000) g;
        CREATE TABLE bench_events (instance_id int NOT NULL, seq bigserial, at timestamptz NOT NULL,
            kind text NOT NULL, details jsonb NOT NULL, PRIMARY KEY (instance_id, seq));
        """

    static func run(settings: StoreConfiguration.PostgresSettings, clients: [Int]) -> [String] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("flow-pgbench-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let scriptPath = directory.appendingPathComponent("transition.sql").path
            try script.write(toFile: scriptPath, atomically: true, encoding: .utf8)
            let common = ["-h", settings.host, "-p", String(settings.port), "-U", settings.username]
            let (setupStatus, _) = try execute("psql", common + ["-q", "-v", "ON_ERROR_STOP=1", "-c", setup, settings.database], settings)
            guard setupStatus == 0 else { return ["  pgbench: setup with psql failed (exit \(setupStatus))"] }
            var lines: [String] = []
            for count in clients {
                let arguments = common + [
                    "-n", "-c", String(count), "-j", String(min(count, 2)), "-T", "10", "-f", scriptPath, settings.database,
                ]
                let (status, output) = try execute("pgbench", arguments, settings)
                let tps = output.split(separator: "\n").first { $0.hasPrefix("tps") }.map(String.init) ?? "no tps line"
                let latency = output.split(separator: "\n").first { $0.hasPrefix("latency average") }.map(String.init) ?? ""
                lines.append("  pgbench  c=\(count): \(status == 0 ? "\(tps); \(latency)" : "failed (exit \(status))")")
            }
            _ = try? execute("psql", common + ["-q", "-c", "DROP TABLE bench_events; DROP TABLE bench_instances;", settings.database], settings)
            return lines
        } catch {
            return ["  pgbench: could not run (\(error))"]
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
