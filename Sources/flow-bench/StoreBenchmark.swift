import FlowEngine
import FlowRuntime
import Travel
import Foundation
import Synchronization

/// Store throughput: W instances × K transitions (claim → commit), at several concurrencies,
/// on SQLite (a temporary file) and, given a URL, PostgreSQL; plus pgbench's number for one
/// equivalent write transaction as the physical limit. See docs/benchmarks.md.
enum StoreBenchmark {
    static let instances = 256
    static let transitionsPerInstance = 4
    static let concurrencies = [1, 16, 64]

    static func run(postgresURL: String?) async throws -> String {
        var lines = ["store: \(instances) instances × \(transitionsPerInstance) transitions (claimDue → commit)"]
        for concurrency in concurrencies {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("flow-bench-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let store = try await SQLiteFlowStore.open(.file(path: directory.appendingPathComponent("b.sqlite").path))
            let result = try await measure(store, concurrency: concurrency, tag: "sqlite")
            try await store.close()
            lines.append("  sqlite   c=\(concurrency): \(result)")
        }
        guard let postgresURL, !postgresURL.isEmpty else {
            lines.append("  postgres: skipped (no URL)")
            return lines.joined(separator: "\n")
        }
        let configuration = try StoreConfiguration.from(url: postgresURL)
        guard case .postgres(let settings) = configuration else {
            throw StoreError(.unavailable, "benchmark URL is not postgres://")
        }
        for concurrency in concurrencies {
            let result = try await PostgresFlowStore.withStore(
                settings.clientConfiguration(maximumConnections: max(4, concurrency))
            ) { store in try await measure(store, concurrency: concurrency, tag: "postgres") }
            lines.append("  postgres c=\(concurrency): \(result)")
        }
        lines.append(contentsOf: PgBench.run(settings: settings, clients: concurrencies).map(\.line))
        return lines.joined(separator: "\n")
    }

    /// Creates the instances, runs `concurrency` workers until every transition is committed.
    static func measure(_ store: any FlowStore, concurrency: Int, tag: String) async throws -> String {
        let run = UUID().uuidString.prefix(8)
        let hash = "bench-\(run)"
        let start = wallClock()
        try await store.saveDefinition(
            StoredDefinition(name: hash, hash: hash, version: 1, source: "bench", createdAt: start)
        )
        for index in 0..<instances {
            _ = try await store.createInstance(
                InstanceRecord(
                    id: "\(tag)-\(run)-\(index)", flow: "bench", definitionHash: hash, agencyID: nil, status: .running,
                    state: #"{"n":0}"#, settings: "{}", wakeAt: start, idempotencyKey: nil, createdAt: start,
                    updatedAt: start
                ),
                history: []
            )
        }
        let total = instances * transitionsPerInstance
        let committed = Progress()
        let clock = ContinuousClock()
        let began = clock.now
        let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
            for worker in 0..<concurrency {
                group.addTask {
                    try await work(store, owner: "w\(worker)-\(run)", committed: committed, total: total)
                }
            }
            return try await group.reduce(into: [Double]()) { $0 += $1 }
        }
        let elapsed = began.duration(to: clock.now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let sorted = latencies.sorted()
        func percentile(_ p: Double) -> String {
            guard !sorted.isEmpty else { return "-" }
            return String(format: "%.2fms", sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))])
        }
        return String(format: "%.0f transitions/s", Double(total) / seconds)
            + "  p50 \(percentile(0.50))  p95 \(percentile(0.95))  p99 \(percentile(0.99))  (\(total) in "
            + String(format: "%.2fs)", seconds)
    }

    /// One worker: claim one due instance, commit its next transition; latency per claim+commit in ms.
    static func work(_ store: any FlowStore, owner: String, committed: Progress, total: Int) async throws -> [Double] {
        let clock = ContinuousClock()
        var latencies: [Double] = []
        while committed.count.load(ordering: .relaxed) < total {
            let began = clock.now
            let now = wallClock()
            let claimed = try await store.claimDue(now: now, owner: owner, leaseFor: .seconds(30), limit: 1)
            guard let instance = claimed.first else {
                try await Task.sleep(for: .milliseconds(1))
                continue
            }
            let step = (Int(instance.state.filter(\.isNumber)) ?? 0) + 1
            try await store.commit(
                TransitionRecord(
                    instanceID: instance.id, status: step >= transitionsPerInstance ? .succeeded : .running,
                    state: #"{"n":\#(step)}"#, wakeAt: now,
                    history: [HistoryEntry(at: now, TimelineEntry(.stateEntered, ["n": .number(Double(step))]))],
                    at: now
                ),
                owner: owner
            )
            committed.count.add(1, ordering: .relaxed)
            let duration = began.duration(to: clock.now)
            latencies.append(Double(duration.components.attoseconds) / 1e15 + Double(duration.components.seconds) * 1000)
        }
        return latencies
    }

    /// Transitions committed so far, shared by the workers.
    final class Progress: Sendable {
        let count = Atomic<Int>(0)
    }

    static func wallClock() -> Instant {
        Instant(epochMilliseconds: Int64((Date().timeIntervalSince1970 * 1000).rounded()))
    }
}
