import FlowEngine
import FlowRuntime
import Foundation

/// Flow's side of `scripts/bench-peer.sh` (docs/benchmarks.md): one shape, one concurrency, one
/// JSON line, so the script can print it beside DBOS's and pgbench's from the same cluster.
///
///     flow-bench peer flow W K C      # W instances of a flow of K `alert.raise` steps, C in flight,
///                                     # started as `flowctl serve` starts them (`StartHandoff`)
///     flow-bench peer pgbench C       # pgbench's minimal transition at C clients
///
/// The database is `FLOW_BENCH_POSTGRES_URL`; the script verifies the outcome from the tables.
enum PeerBenchmark {
    static func run(arguments: [String], postgresURL: String?) async throws {
        guard let settings = try WorkerBenchmark.settings(postgresURL) else { return }
        let numbers = arguments.dropFirst().compactMap { Int($0) }
        switch (arguments.first, numbers.count) {
        case ("flow", 3):
            let (workflows, steps, concurrency) = (numbers[0], numbers[1], numbers[2])
            let registry = try WorkerBenchmark.registry("peer-steps", WorkerBenchmark.source(name: "peer-steps", steps: steps))
            let configuration = settings.clientConfiguration(maximumConnections: concurrency + 4)
            let batching = CommitBatching.fromEnvironment(ProcessInfo.processInfo.environment)
            let line = try await PostgresFlowStore.withStore(configuration, batching: batching) { postgres in
                try await WorkerBenchmark.measure(
                    ObservedStore(postgres), registry: registry, flow: "peer-steps", steps: steps,
                    instances: workflows, concurrency: concurrency, handoff: true)
            }
            print(json([
                "engine": "flow", "workflows": workflows, "steps": steps, "concurrency": concurrency,
                "commit_batch": batching.maxBatch, "commit_batches_in_flight": batching.maxInFlight,
                "seconds": line.seconds, "steps_per_second": line.stepsPerSecond, "commits": line.commits,
                "p50_ms": line.latencies.at(0.50), "p95_ms": line.latencies.at(0.95), "p99_ms": line.latencies.at(0.99),
            ]))
        case ("pgbench", 1):
            // The minimal transition as one text query, as Flow sends statements (parse, bind and execute
            // an unnamed statement each time) and prepared once per connection: what preparing would save.
            var extended = PgBench.minimal
            extended.mode = "extended"
            var prepared = PgBench.minimal
            prepared.mode = "prepared"
            for (engine, script) in [
                ("pgbench-minimal", PgBench.minimal), ("pgbench-minimal-extended", extended),
                ("pgbench-minimal-prepared", prepared),
            ] {
                let figure = PgBench.run(script, settings: settings, clients: [numbers[0]]).first
                guard let figure, let tps = figure.tps else {
                    throw StoreError(.unavailable, figure?.line ?? "pgbench did not run")
                }
                print(json(["engine": engine, "concurrency": numbers[0], "tps": tps]))
            }
        default:
            print("usage: flow-bench peer flow WORKFLOWS STEPS CONCURRENCY | flow-bench peer pgbench CONCURRENCY")
            exit(64)
        }
    }

    static func json(_ fields: [String: Any]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
