import AsyncHTTPClient
import FlowEngine
import Foundation
import NIOCore
import NIOHTTP1

/// The planning API's benchmark (`flow-bench planning`), against real `flowctl serve` processes
/// (release build, loopback, providers sandboxed: a job's model calls fail at once, so each job is
/// a few transitions of real worker work beside the load) running the shipped `trip-planning` and
/// `trip-suggestion`:
///
/// 1. `POST /v1/plan` at 100 and 500 requests/s open-loop, p50/p95/p99, on SQLite and (with
///    `FLOW_BENCH_POSTGRES_URL`) PostgreSQL, beside `GET /health` at the same rate in the same run
///    (the HTTP floor of this machine; `APIBenchmark.besideHealth`);
/// 2. 1,000 concurrent `GET /v1/stream` clients on one daemon (SQLite): 1,000 suggestion jobs held by
///    the user's quiet hours, all due at the same minute; the daemon's resident memory per stream, and
///    fan-out — from the instant the quiet hours end to each client reading its job's `complete`.
enum PlanningBenchmark {
    static let streams = 1_000

    static func run(postgresURL: String?) async throws {
        APIBenchmark.raiseOpenFileLimit()
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("flow-bench-planning-\(UUID().uuidString)").path
        let workflows = scratch + "/workflows"
        try FileManager.default.createDirectory(atPath: workflows, withIntermediateDirectories: true)
        let shipped = FileManager.default.currentDirectoryPath + "/workflows/"
        for flow in ["trip-planning.yaml", "trip-suggestion.yaml"] {
            try FileManager.default.copyItem(atPath: shipped + flow, toPath: workflows + "/" + flow)
        }
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 2_048)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        do {
            print("planning: flowctl serve (release) on loopback, providers sandboxed; load average \(WorkerBenchmark.loadAverage())")
            var backends = [("sqlite", "sqlite://\(scratch)/plan.sqlite")]
            if let postgresURL { backends.append(("postgres", postgresURL)) }
            for (name, database) in backends {
                try await planLatency(name: name, database: database, workflows: workflows, scratch: scratch, client: client)
            }
            try await streamFanOut(database: "sqlite://\(scratch)/streams.sqlite", workflows: workflows, scratch: scratch, client: client)
            print("  load average after: \(WorkerBenchmark.loadAverage())")
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }

    // MARK: 1. POST /v1/plan

    static func planLatency(name: String, database: String, workflows: String, scratch: String, client: HTTPClient)
        async throws
    {
        let key = try await APIBenchmark.agencyKey(database)
        let daemon = try ServedDaemon(database: database, workflows: workflows, scratch: scratch, name: "plan-\(name)")
        try await daemon.start(client: client)
        defer { daemon.stop() }
        let run = UUID().uuidString.prefix(8)
        await APIBenchmark.besideHealth("POST /v1/plan \(name)", daemon: daemon, client: client, expected: [202]) { rate, index in
            var request = HTTPClientRequest(url: daemon.base + "/v1/plan")
            request.method = .POST
            request.headers.add(name: "Authorization", value: "Bearer \(key)")
            request.headers.add(name: "Content-Type", value: "application/json")
            let body = #"{"user_id": "u-\#(run)-\#(rate)-\#(index)", "query": "4 days in Lisbon for two in September", "#
                + #""constraints": {"budget_usd": 3000, "party": {"adults": 2}}}"#
            request.body = .bytes(ByteBuffer(string: body))
            return request
        }
    }

    // MARK: 2. 1,000 /v1/stream clients

    static func streamFanOut(database: String, workflows: String, scratch: String, client: HTTPClient) async throws {
        let key = try await APIBenchmark.agencyKey(database)
        let daemon = try ServedDaemon(database: database, workflows: workflows, scratch: scratch, name: "v1-streams")
        try await daemon.start(client: client)
        defer { daemon.stop() }
        // Quiet hours (UTC) from an hour ago to the minute after the next: every suggestion waits for
        // that instant, then completes.
        let now = Date()
        let wake = Date(timeIntervalSince1970: (now.timeIntervalSince1970 / 60).rounded(.down) * 60 + 120)
        let quiet = "\(clock(now.addingTimeInterval(-3_600)))-\(clock(wake))"
        _ = try await APIBenchmark.send(
            client, .PUT, daemon.base + "/v1/preferences/bench", key: key,
            body: #"{"zone": "UTC", "quiet_hours": "\#(quiet)"}"#)
        var jobs: [String] = []
        for index in 0..<streams {
            let started = try await APIBenchmark.send(
                client, .POST, daemon.base + "/v1/suggest", key: key,
                body: #"{"user_id": "bench", "trigger_type": "bench-\#(index)", "context": {"n": \#(index)}}"#)
            if let id = started["job_id"]?.stringValue { jobs.append(id) }
        }
        try await Task.sleep(for: .seconds(2))
        let before = daemon.residentKiB
        let connected = Counter()
        let arrivals = await withTaskGroup(of: Double?.self) { group in
            for job in jobs {
                group.addTask {
                    try? await readUntilComplete(client, url: daemon.base + "/v1/stream/\(job)", key: key, wake: wake) {
                        connected.increment()
                    }
                }
            }
            while connected.value < jobs.count { try? await Task.sleep(for: .milliseconds(50)) }
            try? await Task.sleep(for: .seconds(1))
            let after = daemon.residentKiB
            print("  /v1/stream: \(jobs.count) clients on one daemon (SQLite): resident \(before / 1024) → \(after / 1024) MiB, "
                  + "\(String(format: "%.1f", Double(after - before) / Double(jobs.count))) KiB per stream; "
                  + "all wake at \(ISO8601DateFormatter().string(from: wake))")
            var collected: [Double?] = []
            for await latency in group { collected.append(latency) }
            return collected
        }
        let latencies = arrivals.compactMap { $0 }
        print("    fan-out (quiet hours end → each client reads its job's complete; 1,000 jobs resume at once): "
              + "\(Latencies(samples: latencies).summary), streams without it: \(arrivals.count - latencies.count)")
    }

    static func clock(_ date: Date) -> String {
        let parts = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: date)
        return String(format: "%02d:%02d", parts.hour ?? 0, parts.minute ?? 0)
    }

    /// Reads a job's stream until `complete`; the ms from `wake` to then (nil: it ended otherwise).
    static func readUntilComplete(
        _ client: HTTPClient, url: String, key: String, wake: Date, connected: @Sendable () -> Void
    ) async throws -> Double? {
        try await APIBenchmark.readStream(client, url: url, key: key, timeout: .seconds(300), connected: connected) { block in
            if block.contains("event: complete") { return .stop(Date().timeIntervalSince(wake) * 1_000) }
            return block.contains("event: error") ? .stop(nil) : .readOn
        }
    }
}
