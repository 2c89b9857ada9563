import FakeProviders
import FlowEngine
import FlowRuntime
import Foundation
import PostgresNIO
import Steps
import Travel

/// `flow-bench notify`: notification sending under load. 100 instances of a flow whose first state
/// is `notify.send` (the notification log's claim and caps, the effect ledger, a Twilio create over
/// HTTP, the log updated) are started at once on PostgreSQL, as `flowctl serve` starts them (handed
/// to the worker), against the fake Twilio on loopback answering each create after 150 ms.
/// End-to-end = from the start call to the commit that records the message sent (the instance's
/// last). Prints p50/p95/p99 beside the provider's own latency and the target (p95 ≤ latency +
/// 20 ms), and verifies that the fake accepted exactly one message per instance.
enum NotifyBenchmark {
    static let sends = 100
    static let latency = TimeSpan(milliseconds: 150)
    /// Instances run once before the measured ones, as many at once: the HTTP client's and the store's
    /// pools then hold the connections a daemon under this load keeps open.
    static let warmUp = sends

    static let source = """
        flow: bench-notify
        version: 1
        input:
          trip: { type: object, required: true }
        start: send
        states:
          send:
            step: notify.send
            with:
              trip_id: ${{ input.trip.id }}
              agency_id: ${{ input.trip.agency_id }}
              type: BENCH
              to: ${{ input.trip.whatsapp }}
              template: bench
              content_sid: HX0123456789abcdef0123456789abcdef
              variables:
                "1": ${{ input.trip.client_name }}
              caps: { per_trip_per_day: 10, per_agency_per_hour: 100000, per_agency_per_day: 100000 }
            idempotency_key: ${{ input.trip.id }}/bench
            retry: { max_attempts: 3, initial: 1s, factor: 2, max_delay: 10s, jitter: full, on: [transient] }
            next: done
          done:
            succeed: true
        """

    static func run(postgresURL: String?) async throws {
        guard let settings = try WorkerBenchmark.settings(postgresURL) else { return }
        var configuration = FakeProviderServer.Configuration()
        configuration.twilioLatency = latency
        let fake = FakeProviderServer(configuration: configuration)
        let base = try await fake.start()
        defer { Task { await fake.stop() } }
        let registry = try WorkerBenchmark.registry("bench-notify", source)
        print("notify: \(sends) notify.send started at once on PostgreSQL (handed to the worker, as serve does), "
              + "fake Twilio over loopback HTTP answering in \(latency.milliseconds) ms; load average \(WorkerBenchmark.loadAverage())")
        let client = settings.clientConfiguration(maximumConnections: 40)
        let (latencies, accepted, cpu, sending, breakdown) = try await PostgresFlowStore.withStore(
            client, adding: TravelSchema.schema, batching: .fromEnvironment(ProcessInfo.processInfo.environment)
        ) { postgres in
            let store = ObservedStore(postgres)
            try await registry.publish(to: store, at: InstanceWorker<ObservedStore<PostgresFlowStore>>.wallClock())
            let run = UUID().uuidString.prefix(8).lowercased()
            let owner = "notify-\(run)"
            let handoff = StartHandoff(owner: owner, lease: .seconds(60))
            let starter = InstanceStarter(store: store, registry: registry, handoff: handoff)
            let worker = InstanceWorker(
                store: store, registry: registry, steps: StepRegistry([NotifySendStep(store: postgres)]),
                transport: AsyncHTTPClientTransport(), credentials: fake.credentials, endpoints: .local(base),
                configuration: .init(owner: owner, handoff: handoff))
            return try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await worker.run() }
                defer { group.cancelAll() }
                // Connections and the HTTP client warmed up; not measured.
                _ = try await sendAll(warmUp, prefix: "warm-\(run)", starter: starter, store: store)
                let before = CPUUsage.now()
                let measured = try await sendAll(sends, prefix: "bench-\(run)", starter: starter, store: store)
                let cpu = CPUUsage.now().since(before)
                return (measured, fake.acceptedCount - warmUp, cpu,
                        try await sendDurations(postgres, prefix: "bench-\(run)-"),
                        try await Self.phases(postgres, prefix: "bench-\(run)-"))
            }
        }
        let sorted = Percentiles(latencies)
        let target = Double(latency.milliseconds + 20)
        print(String(format: "  end-to-end %@ (provider %d ms; target p95 ≤ %.0f ms: %@)", sorted.text,
                     latency.milliseconds, target, sorted.at(0.95) <= target ? "met" : "missed"))
        print("  of which the send (effect ledger started_at → completed_at) \(Percentiles(sending).text)")
        print("  phases, ms after the first start (p50 / p95): " + breakdown.map { name, values in
            let sorted = Percentiles(values)
            return String(format: "%@ %.0f / %.0f", name, sorted.at(0.5), sorted.at(0.95))
        }.joined(separator: ", "))
        print("  CPU during the sends: \(cpu.text); \(String(format: "%.2f", cpu.machineBusy / Double(sends))) core-ms per send")
        print("  fake Twilio accepted \(accepted) message(s) for \(sends) instances\(accepted == sends ? "" : " — WRONG")"
              + "; load average \(WorkerBenchmark.loadAverage())")
        if accepted != sends { throw StoreError(.corrupt, "expected \(sends) messages, the fake accepted \(accepted)") }
    }

    /// Milliseconds from each send's effect-ledger start to its completion, for instances named `prefix…`.
    static func sendDurations(_ postgres: PostgresFlowStore, prefix: String) async throws -> [Double] {
        try await postgres.rows(
            """
            SELECT (EXTRACT(EPOCH FROM completed_at - started_at) * 1000)::float8 FROM effects
            WHERE instance_id LIKE \(prefix + "%") AND completed_at IS NOT NULL
            """
        ).map { try $0.decode(Double.self) }
    }

    /// Where a send's time goes, from the rows it wrote (milliseconds after the burst's first start
    /// for instances named `prefix…`): the step began (the effect ledger's `started_at`, the claim's
    /// instant), the provider's answer recorded in the log (its `updated_at`), the ledger completed.
    static func phases(_ postgres: PostgresFlowStore, prefix: String) async throws -> [(String, [Double])] {
        let rows = try await postgres.rows(
            """
            WITH sends AS (
                SELECT i.created_at AS started, e.started_at AS began, l.updated_at AS recorded,
                       e.completed_at AS completed
                FROM flow_instances i JOIN effects e ON e.instance_id = i.id JOIN notifications_log l ON l.instance_id = i.id
                WHERE i.id LIKE \(prefix + "%")
            ), first AS (SELECT MIN(started) AS at FROM sends)
            SELECT (EXTRACT(EPOCH FROM began - first.at) * 1000)::float8,
                   (EXTRACT(EPOCH FROM recorded - first.at) * 1000)::float8,
                   (EXTRACT(EPOCH FROM completed - first.at) * 1000)::float8
            FROM sends, first
            """
        ).map { try $0.decode((Double, Double, Double).self) }
        return [("step began", rows.map(\.0)), ("answer recorded", rows.map(\.1)), ("ledger completed", rows.map(\.2))]
    }

    /// Starts `count` instances at once; each one's milliseconds from its start call to its final commit.
    static func sendAll(
        _ count: Int, prefix: String, starter: InstanceStarter<ObservedStore<PostgresFlowStore>>,
        store: ObservedStore<PostgresFlowStore>
    ) async throws -> [Double] {
        try await withThrowingTaskGroup(of: Double.self) { group in
            for index in 0..<count {
                group.addTask {
                    let id = "\(prefix)-\(index)"
                    let trip: Value = [
                        "id": .string(id), "agency_id": "bench", "client_name": "Ana",
                        "whatsapp": .string("+54911555\(String(format: "%05d", index))"),
                    ]
                    let started = ObservedStore<PostgresFlowStore>.seconds()
                    _ = try await starter.start(
                        flow: "bench-notify", input: ["trip": trip], agency: "bench", idempotencyKey: nil,
                        instanceID: id, at: InstanceWorker<ObservedStore<PostgresFlowStore>>.wallClock())
                    return (await store.finish(of: id) - started) * 1000
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
    }
}
