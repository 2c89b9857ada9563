import FlowEngine
import FlowRuntime
import Travel
import Foundation
import Steps

/// Timer lateness with many waiting instances: N instances of a flow that waits until
/// `input.due` and then succeeds, inserted in bulk (`PostgresFlowStore.createInstances`, one
/// statement per 1,000 rows) with their due instants spread uniformly over a span; C worker loops
/// handle them. Lateness = the instant the instance's final commit returned − its due instant;
/// prints p50/p95/p99 and the worst. Two cases (see docs/benchmarks.md):
///
/// - `burst`: all N come due within the window (100,000 in 60 s: 1,667 timers/s).
/// - `spread`: N wait with due instants spread over a longer span (10 minutes); only those due
///   within the window (the first 60 s: 10,000 at 167/s) are measured, with the rest waiting in
///   the same table and index, then deleted.
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

    /// One case: how many wait, over how many seconds their due instants spread, how many seconds are measured.
    struct Case {
        var name: String
        var waiting: Int
        var span: Int
        var window: Int
    }

    static func run(postgresURL: String?) async throws {
        guard let settings = try WorkerBenchmark.settings(postgresURL) else { return }
        let environment = ProcessInfo.processInfo.environment
        let count = environment["FLOW_BENCH_TIMERS"].flatMap { Int($0) } ?? 100_000
        let window = environment["FLOW_BENCH_TIMER_WINDOW"].flatMap { Int($0) } ?? 60
        let span = environment["FLOW_BENCH_TIMER_SPREAD"].flatMap { Int($0) } ?? 600
        let workers = environment["FLOW_BENCH_TIMER_WORKERS"].flatMap { Int($0) } ?? 8
        let selected = (environment["FLOW_BENCH_TIMER_CASES"] ?? "burst,spread").split(separator: ",").map(String.init)
        let cases = [
            Case(name: "burst", waiting: count, span: window, window: window),
            Case(name: "spread", waiting: count, span: max(span, window), window: window),
        ].filter { selected.contains($0.name) }
        for timerCase in cases {
            try await measure(timerCase, settings: settings, workers: workers)
        }
    }

    static func measure(_ timerCase: Case, settings: StoreConfiguration.PostgresSettings, workers: Int) async throws {
        let batch = 32
        let registry = try WorkerBenchmark.registry("bench-timer", source)
        guard let loaded = registry.current("bench-timer") else { return }
        let configuration = settings.clientConfiguration(maximumConnections: workers + 4)
        try await PostgresFlowStore.withStore(configuration) { postgres in
            try await postgres.migrate()
            removeWaiting(settings)
            let store = ObservedStore(postgres)
            let setupStart = ObservedStore<PostgresFlowStore>.seconds()
            let now = InstanceWorker<PostgresFlowStore>.wallClock()
            try await registry.publish(to: postgres, at: now)
            // Due instants start after the setup (measured generously) and spread over the span.
            let count = timerCase.waiting
            let first = now + .seconds(Int64(max(20, count / 2_500)))
            let run = UUID().uuidString.prefix(8).lowercased()
            let interpreter = Interpreter(flow: loaded.flow)
            let windowEnd = first + .seconds(Int64(timerCase.window))
            var due: [String: Int64] = [:]
            var records: [InstanceRecord] = []
            records.reserveCapacity(count)
            for index in 0..<count {
                let id = "timer-\(run)-\(index)"
                let at = first + TimeSpan(milliseconds: Int64(index) * Int64(timerCase.span) * 1000 / Int64(count))
                let started = interpreter.start(instanceID: id, input: ["due": .instant(at)], settings: .object([:]),
                                                agency: nil, at: now)
                if at < windowEnd { due[id] = at.epochMilliseconds }
                records.append(InstanceRecord(
                    id: id, flow: "bench-timer", definitionHash: loaded.contentHash, agencyID: nil, status: .waiting,
                    state: String(decoding: try JSONEncoder().encode(started.state), as: UTF8.self), settings: "{}",
                    wakeAt: started.state.nextWakeUp, idempotencyKey: nil, createdAt: now, updatedAt: now))
            }
            let inserted = try await postgres.createInstances(records)
            records = []
            let setup = ObservedStore<PostgresFlowStore>.seconds() - setupStart
            let lead = Double(first.epochMilliseconds) / 1000 - ObservedStore<PostgresFlowStore>.seconds()
            print(String(
                format: "timers %@: %d instances waiting (bulk insert %d rows, setup %.1fs; first due in %.1fs), due over "
                    + "%ds; measured: the %d due in the first %ds (%.0f/s); %d workers × batch %d; load average %@",
                timerCase.name, count, inserted, setup, lead, timerCase.span, due.count, timerCase.window,
                Double(due.count) / Double(timerCase.window), workers, batch, WorkerBenchmark.loadAverage()))
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
                let deadline = Double(windowEnd.epochMilliseconds) / 1000 + 120
                while lateness.count < due.count && ObservedStore<PostgresFlowStore>.seconds() < deadline {
                    try await Task.sleep(for: .milliseconds(500))
                    for (id, at) in store.drainFinished() {
                        if let expected = due[id] { lateness.append(at * 1000 - Double(expected)) }
                    }
                }
                group.cancelAll()
            }
            let sorted = Percentiles(lateness)
            print(String(format: "  handled %d of %d; lateness (final commit − due) %@, max %.1fms (target p99 < 100 ms); "
                             + "load average %@",
                         lateness.count, due.count, sorted.text, sorted.sorted.last ?? .nan, WorkerBenchmark.loadAverage()))
            removeWaiting(settings)
        }
    }

    /// Deletes benchmark instances still waiting (the spread case's unmeasured rest, an aborted run's).
    static func removeWaiting(_ settings: StoreConfiguration.PostgresSettings) {
        let common = ["-h", settings.host, "-p", String(settings.port), "-U", settings.username, "-q"]
        let sql = "DELETE FROM flow_instances WHERE flow = 'bench-timer' AND status IN ('running', 'waiting')"
        _ = try? PgBench.execute("psql", common + ["-c", sql, settings.database], settings)
    }
}
