import AsyncHTTPClient
import FlowEngine
import FlowRuntime
import Foundation
import NIOCore
import NIOHTTP1
import Travel

/// The control plane's benchmark (`flow-bench api`), against real `flowctl serve` processes
/// (release build, loopback, providers sandboxed):
///
/// 1. instance start over HTTP (`POST /instances`, an agency key, a flow that waits for an event)
///    at 100 and 500 requests/s open-loop, p50/p95/p99, on SQLite and (with
///    `FLOW_BENCH_POSTGRES_URL`) PostgreSQL; beside it, in the same run, `GET /health` at the same
///    rate: the HTTP floor of this machine (same client, same server stack, no store work);
/// 2. decision-to-resume across two daemons on PostgreSQL: approvals decided through daemon B's
///    API, the time from sending the decision to the resuming transition (its `approval_decided`
///    entry's timestamp; both daemons and the client share this machine's clock);
/// 3. 1,000 concurrent SSE streams on one daemon (SQLite): the daemon's resident memory per
///    stream, and fan-out latency — one event delivered to the 1,000 waiting instances, from each
///    resuming commit's timestamp to the moment its stream's client reads the entry.
enum APIBenchmark {
    static let rates = [100, 500]
    static let seconds = 5
    static let approvals = 200
    static let streams = 1_000

    static let holdFlow = """
        flow: bench-hold
        version: 1
        input:
          ref: { type: string, required: true }
        start: wait_poke
        states:
          wait_poke:
            wait:
              event:
                name: bench.poke
                correlation: ${{ input.ref }}
                timeout: 1h
                on_timeout: done
            next: done
          done:
            succeed: true
        """

    static let approvalFlow = """
        flow: bench-approval
        version: 1
        start: ask
        states:
          ask:
            approval:
              request:
                kind: bench
                summary: a benchmark decision
              expires_in: 1h
              on_approve: done
              on_reject: done
          done:
            succeed: true
        """

    static func run(postgresURL: String?) async throws {
        raiseOpenFileLimit()
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("flow-bench-api-\(UUID().uuidString)").path
        let workflows = scratch + "/workflows"
        try FileManager.default.createDirectory(atPath: workflows, withIntermediateDirectories: true)
        try holdFlow.write(toFile: workflows + "/bench-hold.yaml", atomically: true, encoding: .utf8)
        try approvalFlow.write(toFile: workflows + "/bench-approval.yaml", atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 2_048)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        do {
            try await measure(postgresURL: postgresURL, scratch: scratch, workflows: workflows, client: client)
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }

    static func measure(postgresURL: String?, scratch: String, workflows: String, client: HTTPClient) async throws {

        print("api: flowctl serve (release) on loopback, providers sandboxed; load average \(WorkerBenchmark.loadAverage())")
        var backends = [("sqlite", "sqlite://\(scratch)/bench.sqlite")]
        if let postgresURL { backends.append(("postgres", postgresURL)) }
        for (name, database) in backends {
            try await startLatency(name: name, database: database, workflows: workflows, scratch: scratch, client: client)
        }
        if let postgresURL {
            try await decisionToResume(database: postgresURL, workflows: workflows, scratch: scratch, client: client)
        } else {
            print("  decision-to-resume: skipped (set FLOW_BENCH_POSTGRES_URL)")
        }
        try await fanOut(database: "sqlite://\(scratch)/streams.sqlite", workflows: workflows, scratch: scratch, client: client)
        print("  load average after: \(WorkerBenchmark.loadAverage())")
    }

    // MARK: 1. Start latency

    static func startLatency(name: String, database: String, workflows: String, scratch: String, client: HTTPClient)
        async throws
    {
        let key = try await agencyKey(database)
        let daemon = try ServedDaemon(database: database, workflows: workflows, scratch: scratch, name: "start-\(name)")
        try await daemon.start(client: client)
        defer { daemon.stop() }
        let run = UUID().uuidString.prefix(8)
        await besideHealth("start \(name)", daemon: daemon, client: client, expected: [201]) { rate, index in
            var request = HTTPClientRequest(url: daemon.base + "/instances")
            request.method = .POST
            request.headers.add(name: "Authorization", value: "Bearer \(key)")
            request.headers.add(name: "Content-Type", value: "application/json")
            let body = #"{"flow": "bench-hold", "input": {"ref": "\#(run)-\#(rate)-\#(index)"}}"#
            request.body = .bytes(ByteBuffer(string: body))
            return request
        }
    }

    /// At each of `rates`, `GET /health` then `request(rate, index)` open-loop for `seconds`: the
    /// route's p50/p95/p99 printed as `label`, then the HTTP floor of this machine in the same run.
    static func besideHealth(
        _ label: String, daemon: ServedDaemon, client: HTTPClient, expected: Set<UInt>,
        request: @escaping @Sendable (_ rate: Int, _ index: Int) -> HTTPClientRequest
    ) async {
        for rate in rates {
            let load = OpenLoopLoad(rate: rate, duration: .seconds(Int64(seconds)))
            let health = await load.run(client: client, expected: [200]) { _ in
                HTTPClientRequest(url: daemon.base + "/health")
            }
            let measured = await load.run(client: client, expected: expected) { request(rate, $0) }
            print("  \(label) \(rate)/s: \(measured.latencies.summary), failures \(measured.failures)"
                  + "\(measured.failures > 0 ? " — WRONG" : ""), generator lag \(Latencies.format(measured.lag)) ms")
            print("    /health \(rate)/s (HTTP floor): \(health.latencies.summary), failures \(health.failures)"
                  + (health.failures > 0 ? " — WRONG" : ""))
        }
    }

    // MARK: 2. Decision to resume across two daemons

    static func decisionToResume(database: String, workflows: String, scratch: String, client: HTTPClient) async throws {
        let key = try await agencyKey(database)
        let a = try ServedDaemon(database: database, workflows: workflows, scratch: scratch, name: "decide-a")
        let b = try ServedDaemon(database: database, workflows: workflows, scratch: scratch, name: "decide-b")
        try await a.start(client: client)
        try await b.start(client: client)
        defer { a.stop(); b.stop() }
        var ids: [String] = []
        for _ in 0..<approvals {
            let started = try await send(client, .POST, a.base + "/instances", key: key, body: #"{"flow": "bench-approval"}"#)
            if let id = started["id"]?.stringValue { ids.append(id) }
        }
        // Every approval requested (the first transition stores it with the instance).
        var pending: [String] = []
        for _ in 0..<100 {
            let list = try await send(client, .GET, a.base + "/approvals?limit=1000", key: key)
            let rows: [Value] = list["approvals"]?.arrayValue ?? []
            pending = rows.compactMap { (row: Value) -> String? in
                guard let instance = row["instance_id"]?.stringValue, ids.contains(instance) else { return nil }
                return row["id"]?.stringValue
            }
            if pending.count == ids.count { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        var sent: [String: Double] = [:]
        // 20 decisions per second, one at a time, through B.
        for approval in pending {
            let instance = String(approval.split(separator: ":").first ?? "")
            sent[instance] = Date().timeIntervalSince1970 * 1_000
            _ = try await send(client, .POST, b.base + "/approvals/\(approval)/decision", key: key,
                               body: #"{"decision": "approve"}"#)
            try await Task.sleep(for: .milliseconds(50))
        }
        try await Task.sleep(for: .seconds(2))
        var latencies: [Double] = []
        var unresumed = 0
        for (instance, at) in sent {
            let timeline = try await send(client, .GET, a.base + "/instances/\(instance)/events?limit=1000", key: key)
            let decided = timeline["events"]?.arrayValue?.first { $0["kind"] == "approval_decided" }
            guard let text = decided?["at"]?.stringValue, let resumed = Instant(iso8601: text) else {
                unresumed += 1
                continue
            }
            latencies.append(Double(resumed.epochMilliseconds) - at)
        }
        print("  decision-to-resume (PostgreSQL, decided on B, 2 daemons' workers): "
              + "\(Latencies(samples: latencies).summary), not resumed after 2 s: \(unresumed)")
    }

    // MARK: 3. SSE fan-out

    static func fanOut(database: String, workflows: String, scratch: String, client: HTTPClient) async throws {
        let key = try await agencyKey(database)
        let daemon = try ServedDaemon(database: database, workflows: workflows, scratch: scratch, name: "streams")
        try await daemon.start(client: client)
        defer { daemon.stop() }
        var ids: [String] = []
        for _ in 0..<streams {
            let started = try await send(
                client, .POST, daemon.base + "/instances", key: key, body: #"{"flow": "bench-hold", "input": {"ref": "all"}}"#)
            if let id = started["id"]?.stringValue { ids.append(id) }
        }
        try await Task.sleep(for: .seconds(1))
        let before = daemon.residentKiB
        let connected = Counter()
        let arrivals = await withTaskGroup(of: Double?.self) { group in
            for id in ids {
                group.addTask {
                    try? await readUntilEvent(client, url: daemon.base + "/instances/\(id)/events", key: key) {
                        connected.increment()
                    }
                }
            }
            // Every stream has its backlog (the client read its first entries): measure, then poke all.
            while connected.value < ids.count { try? await Task.sleep(for: .milliseconds(50)) }
            try? await Task.sleep(for: .seconds(1))
            let after = daemon.residentKiB
            let perStream = Double(after - before) / Double(ids.count)
            print("  SSE: \(ids.count) streams on one daemon (SQLite): resident \(before / 1024) → \(after / 1024) MiB, "
                  + "\(String(format: "%.1f", perStream)) KiB per stream")
            _ = try? await send(client, .POST, daemon.base + "/events/bench.poke?key=all", key: key, body: "{}")
            var collected: [Double?] = []
            for await latency in group { collected.append(latency) }
            return collected
        }
        let latencies = arrivals.compactMap { $0 }
        print("    fan-out (each resuming commit's timestamp → its stream's client reads it): "
              + "\(Latencies(samples: latencies).summary), streams without it: \(arrivals.count - latencies.count)")
    }

    /// Reads a stream until its `event_received` entry; the ms from the entry's timestamp to now.
    static func readUntilEvent(
        _ client: HTTPClient, url: String, key: String, connected: @Sendable () -> Void
    ) async throws -> Double? {
        try await readStream(client, url: url, key: key, timeout: .seconds(120), connected: connected) { block in
            guard block.contains("event: event_received"),
                  let data = block.split(separator: "\n").first(where: { $0.hasPrefix("data: ") }),
                  let entry = try? JSONDecoder().decode(Value.self, from: Data(data.dropFirst(6).utf8)),
                  let at = entry["at"]?.stringValue.flatMap(Instant.init(iso8601:))
            else { return .readOn }
            return .stop(Date().timeIntervalSince1970 * 1_000 - Double(at.epochMilliseconds))
        }
    }

    /// What a stream reader does after one event block.
    enum StreamVerdict {
        case readOn
        /// Stop reading; the measurement (nil: none).
        case stop(Double?)
    }

    /// Reads the Server-Sent Events at `url` block by block (`connected` once the first bytes
    /// arrive) until `verdict` stops it; nil when the stream ends first.
    static func readStream(
        _ client: HTTPClient, url: String, key: String, timeout: TimeAmount, connected: @Sendable () -> Void,
        verdict: (Substring) -> StreamVerdict
    ) async throws -> Double? {
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "Authorization", value: "Bearer \(key)")
        request.headers.add(name: "Accept", value: "text/event-stream")
        let response = try await client.execute(request, timeout: timeout)
        var pending = ""
        var told = false
        for try await chunk in response.body {
            pending += String(buffer: chunk)
            if !told { told = true; connected() }
            while let blank = pending.range(of: "\n\n") {
                let block = pending[..<blank.lowerBound]
                pending.removeSubrange(..<blank.upperBound)
                if case .stop(let measured) = verdict(block) { return measured }
            }
        }
        return nil
    }

    // MARK: Helpers

    /// A fresh key of agency `bench`, stored the way `flowctl keys create` stores it.
    static func agencyKey(_ database: String) async throws -> String {
        let configuration = try StoreConfiguration.from(url: database)
        return try await configuration.withStore(adding: TravelSchema.schema) { opened in
            try await APIKeys.create(
                in: opened.flowStore, name: "bench", agency: "bench", admin: false,
                at: InstanceWorker<InMemoryFlowStore>.wallClock()
            ).token
        }
    }

    static func send(_ client: HTTPClient, _ method: HTTPMethod, _ url: String, key: String, body: String? = nil)
        async throws -> Value
    {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(key)")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await client.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 8 << 20)
        return (try? JSONDecoder().decode(Value.self, from: Data(buffer: bytes))) ?? .null
    }

    /// Soft limit of open files up to the hard limit: 1,000 streams need 1,000 sockets on each side.
    static func raiseOpenFileLimit() {
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return }
        limit.rlim_cur = limit.rlim_max
        _ = setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
    }
}

/// A count shared between tasks.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.lock(); count += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}
