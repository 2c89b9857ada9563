import FlowEngine
import FlowRuntime
import Travel
import Foundation
import Steps

/// The issue's store benchmark: instances of a flow of K in-process steps (`alert.raise`, no
/// network) started through `InstanceStarter` and run by real `InstanceWorker`s on PostgreSQL,
/// at concurrency 1, 16 and 64 (C worker loops, and C instances in flight: each client starts an
/// instance, waits for its final commit, starts the next). Prints store commits (transitions)/s,
/// steps/s and p50/p95/p99 instance latency (start → final commit), then pgbench's figures for
/// one write transaction (a minimal one, and the store's own commit statement on its tables) and
/// the ratios. See docs/benchmarks.md.
enum WorkerBenchmark {
    static let steps = 4
    static let concurrencies = [1, 16, 64]
    /// Instances per concurrency level.
    static func instances(concurrency: Int) -> Int { concurrency == 1 ? 300 : 1_500 }

    /// The benchmark flow: `steps` states each calling `alert.raise`, then success.
    static var source: String { source(name: "bench-steps", steps: steps) }

    /// A flow `name` of `steps` states each calling `alert.raise`, then success.
    static func source(name: String, steps: Int) -> String {
        var lines = ["flow: \(name)", "version: 1", "start: s1", "states:"]
        for index in 1...steps {
            lines += [
                "  s\(index):",
                "    step: alert.raise",
                "    with: { code: BENCH, message: \"step \(index)\" }",
                "    next: \(index == steps ? "done" : "s\(index + 1)")",
            ]
        }
        lines += ["  done:", "    succeed: true"]
        return lines.joined(separator: "\n") + "\n"
    }

    static func registry(_ name: String, _ text: String) throws -> DefinitionRegistry {
        let directory = WorkflowDirectory.load(
            flows: [SourceFile(path: "\(name).yaml", text: text)], agencies: [], catalogue: .standard)
        let registry = DefinitionRegistry(directory: directory)
        guard registry.current(name) != nil else {
            throw StoreError(.corrupt, "benchmark flow does not validate: \(directory.diagnostics)")
        }
        return registry
    }

    static func run(postgresURL: String?) async throws {
        guard let settings = try Self.settings(postgresURL) else { return }
        let registry = try registry("bench-steps", source)
        print("worker: flow of \(steps) alert.raise steps, InstanceStarter → InstanceWorker (batch 1) on PostgreSQL; "
              + "load average \(loadAverage())")
        var best64 = 0.0
        for concurrency in concurrencies {
            let configuration = settings.clientConfiguration(maximumConnections: concurrency + 4)
            let line = try await PostgresFlowStore.withStore(configuration) { postgres in
                try await measure(ObservedStore(postgres), registry: registry, concurrency: concurrency)
            }
            if concurrency == 64 { best64 = line.commitsPerSecond }
            print("  c=\(concurrency): \(line.text)")
        }
        let limits = PgBench.run(settings: settings, clients: concurrencies)
        for limit in limits { print(limit.line) }
        for script in [PgBench.minimal.name, PgBench.flowTables.name] {
            guard let limit = limits.first(where: { $0.script == script && $0.clients == 64 })?.tps, limit > 0 else { continue }
            print(String(format: "  c=64: %.0f commits/s = %.0f %% of pgbench %@'s %.0f tps (target ≥ 50 %%)",
                         best64, 100 * best64 / limit, script, limit))
        }
        print("  load average at the end \(loadAverage())")
    }

    /// The 1, 5 and 15 minute load averages (`/proc/loadavg`), printed with every figure.
    static func loadAverage() -> String {
        guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return "unknown" }
        return text.split(separator: " ").prefix(3).joined(separator: " ")
    }

    struct Line {
        var commitsPerSecond: Double
        var stepsPerSecond: Double
        var seconds: Double
        var commits: Int
        var latencies: Percentiles
        var text: String
    }

    static func measure(
        _ store: ObservedStore<PostgresFlowStore>, registry: DefinitionRegistry, concurrency: Int
    ) async throws -> Line {
        try await measure(store, registry: registry, flow: "bench-steps", steps: steps,
                          instances: instances(concurrency: concurrency), concurrency: concurrency)
    }

    /// Runs `total` instances of `flow` (of `steps` steps), `concurrency` in flight on as many workers.
    /// `handoff`: as `flowctl serve` starts them, client i handing its new instances' first calls to
    /// worker i (`StartHandoff`, no claim); otherwise every worker claims them from the table.
    static func measure(
        _ store: ObservedStore<PostgresFlowStore>, registry: DefinitionRegistry, flow: String, steps: Int,
        instances total: Int, concurrency: Int, handoff: Bool = false
    ) async throws -> Line {
        let run = UUID().uuidString.prefix(8).lowercased()
        let owners = (0..<concurrency).map { "bench-\(run)-w\($0)" }
        let shared = WorkerWakeup()
        let wakeups = handoff ? owners.map { _ in WorkerWakeup() } : owners.map { _ in shared }
        let handoffs = owners.map { handoff ? StartHandoff(owner: $0, lease: .seconds(60)) : nil }
        let starters = (0..<concurrency).map {
            InstanceStarter(store: store, registry: registry, wakeup: wakeups[$0], handoff: handoffs[$0])
        }
        try await registry.publish(to: store, at: InstanceWorker<ObservedStore<PostgresFlowStore>>.wallClock())
        let transport = FixtureTransport { _ throws(TransportError) in
            throw TransportError(.connection, "the benchmark flow makes no HTTP calls")
        }
        let clock = ContinuousClock()
        let began = clock.now
        let commitsBefore = store.commits.load(ordering: .relaxed)
        let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
            for index in 0..<concurrency {
                let worker = InstanceWorker(
                    store: store, registry: registry, steps: StepRegistry([AlertRaiseStep()]), transport: transport,
                    credentials: ProviderCredentials(),
                    configuration: .init(owner: owners[index], batchSize: 1, wakeup: wakeups[index],
                                         handoff: handoffs[index]))
                group.addTask {
                    try await worker.run()
                    return []
                }
            }
            let clients = try await withThrowingTaskGroup(of: [Double].self) { clients in
                for client in 0..<concurrency {
                    clients.addTask {
                        var mine: [Double] = []
                        var next = client
                        while next < total {
                            let id = "bench-\(run)-\(next)"
                            let started = ObservedStore<PostgresFlowStore>.seconds()
                            _ = try await starters[client].start(
                                flow: flow, input: .object([:]), agency: nil, idempotencyKey: nil,
                                instanceID: id, at: InstanceWorker<ObservedStore<PostgresFlowStore>>.wallClock())
                            let finished = await store.finish(of: id)
                            mine.append((finished - started) * 1000)
                            next += concurrency
                        }
                        return mine
                    }
                }
                return try await clients.reduce(into: [Double]()) { $0 += $1 }
            }
            group.cancelAll()
            return clients
        }
        let seconds = Self.seconds(began.duration(to: clock.now))
        let commits = store.commits.load(ordering: .relaxed) - commitsBefore
        let perSecond = Double(commits) / seconds
        let percentiles = Percentiles(latencies)
        let text = String(
            format: "%.0f commits/s, %.0f steps/s  instance latency %@  (%d instances × %d steps, %d commits in %.2fs)",
            perSecond, Double(total * steps) / seconds, percentiles.text, total, steps, commits, seconds)
        return Line(commitsPerSecond: perSecond, stepsPerSecond: Double(total * steps) / seconds, seconds: seconds,
                    commits: commits, latencies: percentiles, text: text)
    }

    static func settings(_ url: String?) throws -> StoreConfiguration.PostgresSettings? {
        guard let url, !url.isEmpty else {
            print("set FLOW_BENCH_POSTGRES_URL=postgres://user@host:port/db (a throwaway database)")
            return nil
        }
        guard case .postgres(let settings) = try StoreConfiguration.from(url: url) else {
            throw StoreError(.unavailable, "benchmark URL is not postgres://")
        }
        return settings
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

/// p50/p95/p99 of a sample in milliseconds.
struct Percentiles {
    var sorted: [Double]

    init(_ values: [Double]) { sorted = values.sorted() }

    func at(_ p: Double) -> Double {
        guard !sorted.isEmpty else { return .nan }
        return sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
    }

    var text: String {
        String(format: "p50 %.1fms p95 %.1fms p99 %.1fms", at(0.50), at(0.95), at(0.99))
    }
}
