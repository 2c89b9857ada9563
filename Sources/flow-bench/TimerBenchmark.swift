import FlowEngine
import FlowRuntime
import Foundation
import Steps

/// Timer lateness with many waiting instances: N instances of a flow that waits until
/// `input.due` and then succeeds, inserted in bulk (`PostgresFlowStore.createInstances`, one
/// statement per 1,000 rows) with their due instants spread uniformly over a window; C worker
/// loops handle them. Lateness = the instant the instance's final commit returned − its due
/// instant; prints p50/p95/p99 and the worst. See docs/benchmarks.md.
enum TimerBenchmark {
    static let source = """
        flow: bench-timer
        version: 1
        start: pause
        input:
          due: { type: instant, required: true }
        states:
          pause:
            wait:
              until: ${{ input.due }}
            next: done
          done:
            succeed: true

        """

    static func run(postgresURL: String?) async throws {
        guard let settings = try WorkerBenchmark.settings(postgresURL) else { return }
        let environment = ProcessInfo.processInfo.environment
        let count = environment["FLOW_BENCH_TIMERS"].flatMap { Int($0) } ?? 100_000
        let window = environment["FLOW_BENCH_TIMER_WINDOW"].flatMap { Int($0) } ?? 60
        let workers = environment["FLOW_BENCH_TIMER_WORKERS"].flatMap { Int($0) } ?? 8
        let batch = 32
        let registry = try WorkerBenchmark.registry("bench-timer", source)
        guard let loaded = registry.current("bench-timer") else { return }
        let configuration = settings.clientConfiguration(maximumConnections: workers + 4)
        try await PostgresFlowStore.withStore(configuration) { postgres in
            let store = ObservedStore(postgres)
            let setupStart = ObservedStore<PostgresFlowStore>.seconds()
            let now = InstanceWorker<PostgresFlowStore>.wallClock()
            try await registry.publish(to: postgres, at: now)
            // Due instants start after the setup (measured generously) and spread over the window.
            let first = now + .seconds(Int64(max(20, count / 2_500)))
            let run = UUID().uuidString.prefix(8).lowercased()
            let interpreter = Interpreter(flow: loaded.flow)
            var due: [String: Int64] = [:]
            due.reserveCapacity(count)
            var records: [InstanceRecord] = []
            records.reserveCapacity(count)
            for index in 0..<count {
                let id = "timer-\(run)-\(index)"
                let at = first + TimeSpan(milliseconds: Int64(index) * Int64(window) * 1000 / Int64(count))
                let started = interpreter.start(instanceID: id, input: ["due": .instant(at)], settings: .object([:]),
                                                agency: nil, at: now)
                due[id] = at.epochMilliseconds
                records.append(InstanceRecord(
                    id: id, flow: "bench-timer", definitionHash: loaded.contentHash, agencyID: nil, status: .waiting,
                    state: String(decoding: try JSONEncoder().encode(started.state), as: UTF8.self), settings: "{}",
                    wakeAt: started.state.nextWakeUp, idempotencyKey: nil, createdAt: now, updatedAt: now))
            }
            let inserted = try await postgres.createInstances(records)
            records = []
            let setup = ObservedStore<PostgresFlowStore>.seconds() - setupStart
            let lead = Double(first.epochMilliseconds) / 1000 - ObservedStore<PostgresFlowStore>.seconds()
            print(String(format: "timers: %d instances waiting (bulk insert %d rows, setup %.1fs; first due in %.1fs), "
                         + "due over %ds, %d workers × batch %d", count, inserted, setup, lead, window, workers, batch))
            let transport = FixtureTransport { _ throws(TransportError) in
                throw TransportError(.connection, "the benchmark flow makes no HTTP calls")
            }
            var lateness: [Double] = []
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<workers {
                    let worker = InstanceWorker(
                        store: store, registry: registry, steps: StepRegistry(), transport: transport,
                        credentials: ProviderCredentials(),
                        configuration: .init(owner: "timers-\(run)-w\(index)", batchSize: batch))
                    group.addTask { try await worker.run() }
                }
                let deadline = Double(first.epochMilliseconds) / 1000 + Double(window) + 120
                while lateness.count < count && ObservedStore<PostgresFlowStore>.seconds() < deadline {
                    try await Task.sleep(for: .milliseconds(500))
                    for (id, at) in store.drainFinished() {
                        if let expected = due[id] { lateness.append(at * 1000 - Double(expected)) }
                    }
                }
                group.cancelAll()
            }
            let sorted = Percentiles(lateness)
            print(String(format: "  handled %d of %d; lateness (final commit − due) %@, max %.1fms (target p99 < 100 ms)",
                         lateness.count, count, sorted.text, sorted.sorted.last ?? .nan))
        }
    }
}
