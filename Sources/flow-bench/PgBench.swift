import FlowRuntime
import Travel
import Foundation

/// Runs `pgbench` with custom scripts for one store transition, to show what the database itself
/// can do for that write. Two scripts:
///
/// - `minimal` (the figure of earlier runs): one statement updating a small `bench_instances` row
///   (primary key only, `'{"n":1}'` state) and appending two rows to `bench_events` (no foreign key).
///   It writes less than a transition does: no index on the updated columns, no foreign-key check
///   per history row, a 7-byte state.
/// - `flow-tables`: the statement `PostgresFlowStore.commit` sends, on the real `flow_instances` and
///   `instance_events` tables (their indexes, foreign keys and checks), with a 350-byte state and
///   the four history rows a step transition of the `worker` flow appends, fenced on the lease and
///   with the inbox and fence-report parts, bound as parameters (`-M extended`) as the store does.
enum PgBench {
    struct Script {
        var name: String
        var text: String
        var setup: String
        var cleanup: String
        var mode: String
    }

    /// The `minimal` script; the same text is documented in docs/benchmarks.md.
    static let minimal = Script(
        name: "minimal",
        text: """
            \\set id random(1, 10000)
            WITH moved AS (
                UPDATE bench_instances SET state = '{"n":1}', updated_at = now(), lease_owner = NULL, lease_until = NULL,
                    last_seq = last_seq + 2
                WHERE id = :id RETURNING last_seq - 2 AS base)
            INSERT INTO bench_events (instance_id, seq, at, kind, details)
            SELECT :id, moved.base + h.n, now(), h.kind, '{"n":1}'
            FROM moved, unnest(ARRAY['step_succeeded', 'step_called']) WITH ORDINALITY AS h(kind, n);

            """,
        setup: """
            DROP TABLE IF EXISTS bench_events; DROP TABLE IF EXISTS bench_instances;
            CREATE TABLE bench_instances (id int PRIMARY KEY, state json NOT NULL, lease_owner text,
                lease_until timestamptz, updated_at timestamptz, last_seq bigint NOT NULL DEFAULT 0);
            INSERT INTO bench_instances SELECT g, '{"n":0}', NULL, NULL, now() FROM generate_series(1, 10000) g;
            CREATE TABLE bench_events (instance_id int NOT NULL, seq bigint NOT NULL, at timestamptz NOT NULL,
                kind text NOT NULL, details jsonb NOT NULL, PRIMARY KEY (instance_id, seq));
            """,
        cleanup: "DROP TABLE bench_events; DROP TABLE bench_instances;",
        mode: "simple")

    /// A state of the `worker` flow as the interpreter stores it (350 bytes).
    static let state = #"{"recentEvents":[],"frames":{},"counter":4,"timers":{},"output":{"message":"step 4","code":"BENCH"},"#
        + #""instanceID":"pgbench-0000000000","bindings":{"vars":{},"instance":{"agency":null,"flow":"pgbench","#
        + #""id":"pgbench-0000000000","started_at":{"$instant":"2026-11-22T22:42:01.427Z"}},"settings":{},"input":{}},"#
        + #""transitions":5,"status":"running"}"#

    /// The history of one step transition: the step's outcome, its alert, the next state and its call.
    static let history: [(kind: String, details: String)] = [
        ("step_succeeded", #"{"step": "alert.raise", "state": "s1", "output": {"code": "BENCH", "message": "step 1"}, "attempt": 1}"#),
        ("alert", #"{"code": "BENCH", "message": "step 1"}"#),
        ("state_entered", #"{"state": "s2"}"#),
        ("step_called", #"{"step": "alert.raise", "input": {"code": "BENCH", "message": "step 2"}, "state": "s2", "attempt": 1, "call_id": "pgbench/c2"}"#),
    ]

    /// The `flow-tables` script: `PostgresFlowStore.commit`'s statement with pgbench variables for its
    /// binds. The state and history texts come from immutable SQL functions (inlined as constants
    /// when planned), because pgbench would read the colons inside JSON text as its variables.
    static var flowTables: Script {
        let kinds = history.map { "'\($0.kind)'" }.joined(separator: ", ")
        let details = history.map { "'\($0.details)'" }.joined(separator: ", ")
        return Script(
            name: "flow-tables",
            text: """
                \\set n random(1, 10000)
                WITH moved AS (
                    UPDATE flow_instances
                    SET state = pgbench_state()::json, status = 'running', wake_at = wake_at, updated_at = now(),
                        lease_owner = 'pgbench', lease_until = now() + interval '60 seconds',
                        last_seq = last_seq + \(history.count)
                    WHERE id = 'pgbench-' || :n AND lease_owner = 'pgbench'
                    RETURNING last_seq - \(history.count) AS base
                ), appended AS (
                    INSERT INTO instance_events (instance_id, seq, at, kind, details)
                    SELECT 'pgbench-' || :n, moved.base + h.n, now(), h.kind, h.details::jsonb
                    FROM moved, unnest(pgbench_kinds(), pgbench_details()) WITH ORDINALITY AS h(kind, details, n)
                ), consumed AS (
                    UPDATE instance_inbox SET consumed_at = now()
                    WHERE instance_id = 'pgbench-' || :n AND id = ANY('{}'::int8[]) AND consumed_at IS NULL
                      AND EXISTS (SELECT 1 FROM moved)
                )
                SELECT EXISTS (SELECT 1 FROM moved) AS moved, i.id AS found, i.lease_owner AS holder
                FROM (SELECT 1) AS one LEFT JOIN flow_instances i ON i.id = 'pgbench-' || :n;

                """,
            setup: """
                DELETE FROM flow_instances WHERE flow = 'pgbench';
                INSERT INTO flow_definitions (hash, name, version, source, created_at)
                    VALUES ('pgbench', 'pgbench', 1, 'flow: pgbench', now()) ON CONFLICT DO NOTHING;
                INSERT INTO flow_instances (id, flow, definition_hash, status, state, settings, wake_at, lease_owner,
                    lease_until, created_at, updated_at)
                SELECT 'pgbench-' || g, 'pgbench', 'pgbench', 'running', '\(state)', '{}', now(), 'pgbench',
                    now() + interval '1 hour', now(), now()
                FROM generate_series(1, 10000) g;
                CREATE OR REPLACE FUNCTION pgbench_state() RETURNS text LANGUAGE sql IMMUTABLE
                    AS $f$ SELECT '\(state)'::text $f$;
                CREATE OR REPLACE FUNCTION pgbench_kinds() RETURNS text[] LANGUAGE sql IMMUTABLE
                    AS $f$ SELECT ARRAY[\(kinds)]::text[] $f$;
                CREATE OR REPLACE FUNCTION pgbench_details() RETURNS text[] LANGUAGE sql IMMUTABLE
                    AS $f$ SELECT ARRAY[\(details)]::text[] $f$;
                """,
            cleanup: """
                DELETE FROM flow_instances WHERE flow = 'pgbench';
                DROP FUNCTION pgbench_state(); DROP FUNCTION pgbench_kinds(); DROP FUNCTION pgbench_details();
                """,
            mode: "extended")
    }

    /// One pgbench run: script, clients, transactions per second (nil when it failed) and the printed line.
    struct Figure {
        var script: String
        var clients: Int
        var tps: Double?
        var line: String
    }

    /// Transactions per client (`-t`): about 5,000 in all, bounded in count rather than time.
    static func transactions(clients: Int) -> Int { max(50, 5_000 / max(1, clients)) }

    /// Both scripts at each client count; the `flow-tables` one needs the store's schema (migrated).
    static func run(settings: StoreConfiguration.PostgresSettings, clients: [Int]) -> [Figure] {
        [minimal, flowTables].flatMap { run($0, settings: settings, clients: clients) }
    }

    static func run(_ script: Script, settings: StoreConfiguration.PostgresSettings, clients: [Int]) -> [Figure] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("flow-pgbench-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let scriptPath = directory.appendingPathComponent("transition.sql").path
            try script.text.write(toFile: scriptPath, atomically: true, encoding: .utf8)
            let common = ["-h", settings.host, "-p", String(settings.port), "-U", settings.username]
            let (setupStatus, setupOutput) = try execute(
                "psql", common + ["-q", "-v", "ON_ERROR_STOP=1", "-c", script.setup, settings.database], settings)
            guard setupStatus == 0 else {
                return [Figure(script: script.name, clients: 0, tps: nil,
                               line: "  pgbench \(script.name): setup with psql failed (exit \(setupStatus)): \(setupOutput)")]
            }
            var lines: [Figure] = []
            for count in clients {
                let arguments = common + [
                    "-n", "-M", script.mode, "-c", String(count), "-j", String(min(count, 2)),
                    "-t", String(transactions(clients: count)), "-f", scriptPath, settings.database,
                ]
                let (status, output) = try execute("pgbench", arguments, settings)
                let tps = output.split(separator: "\n").first { $0.hasPrefix("tps") }.map(String.init) ?? "no tps line"
                let latency = output.split(separator: "\n").first { $0.hasPrefix("latency average") }.map(String.init) ?? ""
                let value = status == 0 ? tps.split(separator: " ").dropFirst(2).first.flatMap { Double($0) } : nil
                let name = script.name.padding(toLength: 11, withPad: " ", startingAt: 0)
                lines.append(Figure(
                    script: script.name, clients: count, tps: value,
                    line: "  pgbench \(name) c=\(count): \(status == 0 ? "\(tps); \(latency)" : "failed (exit \(status)) \(output)")"))
            }
            _ = try? execute("psql", common + ["-q", "-c", script.cleanup, settings.database], settings)
            return lines
        } catch {
            return [Figure(script: script.name, clients: 0, tps: nil, line: "  pgbench: could not run (\(error))")]
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
