// flow-bench: prints the numbers the project promises. Run in release:
//   swift run -c release --scratch-path <path> flow-bench <case>
// Add a case by adding an entry to `cases` (dry-run, expressions, store, …).

#if canImport(FoundationEssentials)
import FoundationEssentials
#endif
import Foundation
import FlowBenchCases

let cases: [(name: String, summary: String, run: () async throws -> Void)] = [
    ("validate", "load + validate 1,000 generated flow documents of ~200 lines", ValidateBenchmark.run),
    ("expressions", "evaluations per second of realistic expressions", { print(ExpressionBenchmark.run()) }),
    ("state-coding", "µs per encode/decode of a stored instance state (`state-coding worker`: c=1 worker run)", StateCodingBenchmark.run),
    ("dry-run", "ms per dry-run of the 3-day flight flow; interpreter transitions/s", DryRunBenchmark.run),
    ("store", "store transitions/s at concurrency 1/16/64 vs pgbench (FLOW_BENCH_POSTGRES_URL)", {
        print(try await StoreBenchmark.run(postgresURL: ProcessInfo.processInfo.environment["FLOW_BENCH_POSTGRES_URL"]))
    }),
    ("worker", "InstanceWorker steps: commits/s + instance p50/p95/p99 at c=1/16/64 vs pgbench (Postgres)", {
        try await WorkerBenchmark.run(postgresURL: ProcessInfo.processInfo.environment["FLOW_BENCH_POSTGRES_URL"])
    }),
    ("api", "HTTP start p50/p95/p99 at 100/500 req/s vs /health; decision-to-resume across 2 daemons; 1,000 SSE streams", {
        try await APIBenchmark.run(postgresURL: ProcessInfo.processInfo.environment["FLOW_BENCH_POSTGRES_URL"])
    }),
    ("planning", "POST /v1/plan p50/p95/p99 at 100/500 req/s vs /health; 1,000 /v1/stream clients: memory, fan-out", {
        try await PlanningBenchmark.run(postgresURL: ProcessInfo.processInfo.environment["FLOW_BENCH_POSTGRES_URL"])
    }),
    ("peer", "one shape for scripts/bench-peer.sh: `peer flow W K C` or `peer pgbench C` (JSON line)", {
        try await PeerBenchmark.run(
            arguments: Array(CommandLine.arguments.dropFirst(2)),
            postgresURL: ProcessInfo.processInfo.environment["FLOW_BENCH_POSTGRES_URL"])
    }),
    ("notify", "100 notify.send at once vs a 150 ms fake Twilio: end-to-end p50/p95/p99 (Postgres)", {
        try await NotifyBenchmark.run(postgresURL: ProcessInfo.processInfo.environment["FLOW_BENCH_POSTGRES_URL"])
    }),
    ("chaos", "N instances on 2–3 daemons on Postgres: provider faults, SIGKILLs, a Postgres restart; lost/duplicated (scripts/chaos.sh)", {
        try await ChaosRun.run(arguments: Array(CommandLine.arguments.dropFirst(2)))
    }),
    ("timers", "timer lateness p50/p95/p99 with 100,000 waiting instances (Postgres)", {
        try await TimerBenchmark.run(postgresURL: ProcessInfo.processInfo.environment["FLOW_BENCH_POSTGRES_URL"])
    }),
]

let arguments = CommandLine.arguments.dropFirst()
guard let name = arguments.first, let selected = cases.first(where: { $0.name == name }) else {
    print("usage: flow-bench <case>\n")
    for c in cases { print("  \(c.name.padding(toLength: 12, withPad: " ", startingAt: 0)) \(c.summary)") }
    exit(64)
}
do {
    try await selected.run()
} catch {
    print("flow-bench \(name): \(error)")
    exit(1)
}
