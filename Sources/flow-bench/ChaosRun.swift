import AsyncHTTPClient
import FakeProviders
import FlowEngine
import FlowRuntime
import Foundation
import NIOCore
import Synchronization
import Travel

/// `flow-bench chaos`: N instances of `ChaosFlow` on D `flowctl serve` daemons sharing one
/// PostgreSQL database, while the fake providers inject faults, the daemons are SIGKILLed at
/// random moments and started again, and PostgreSQL is restarted once; then the report
/// (`ChaosReport`) from the store and the fakes. Exits 1 on a lost instance, a duplicate send or
/// fewer than 99.9 % of the sends delivered within the retry budget.
///
/// A subcommand of flow-bench, not of flowctl: it needs the fake providers (test support, not
/// shipped in flowctl) and the built `flowctl` beside it, like the other measurements here.
enum ChaosRun {
    static func run(arguments: [String]) async throws {
        let options = try ChaosOptions.parse(arguments, environment: ProcessInfo.processInfo.environment)
        APIBenchmark.raiseOpenFileLimit()
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("flow-chaos-\(options.seed)").path
        try FileManager.default.createDirectory(atPath: scratch + "/workflows", withIntermediateDirectories: true)
        let fake = FakeProviderServer(faults: FaultPlan(
            rate: options.faultRate, seed: options.seed, providers: [.twilio, .aeroapi, .openai, .backend]))
        fake.faults.setPaused(true)
        let fakeBase = try await fake.start()
        try ChaosFlow.yaml(backend: fakeBase).write(
            toFile: scratch + "/workflows/chaos.yaml", atomically: true, encoding: .utf8)
        let key = try await APIBenchmark.agencyKey(options.postgresURL)
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let daemons = try (1...options.daemons).map {
            try ChaosDaemon(
                name: "daemon-\($0)", database: options.postgresURL, workflows: scratch + "/workflows", scratch: scratch,
                fake: fake, fakeBase: fakeBase, lease: options.lease)
        }
        let passed: Bool
        do {
            for daemon in daemons { try await daemon.start(client: client) }
            let driver = ChaosDriver(options: options, client: client, key: key, daemons: daemons, fake: fake)
            passed = try await driver.run(scratch: scratch)
        } catch {
            for daemon in daemons { await daemon.stop() }
            try? await client.shutdown()
            await fake.stop()
            throw error
        }
        for daemon in daemons { await daemon.stop() }
        try? await client.shutdown()
        await fake.stop()
        if passed { try? FileManager.default.removeItem(atPath: scratch) } else { print("daemon logs: \(scratch)") }
        exit(passed ? 0 : 1)
    }
}

/// The moving parts of one chaos run: starts, approvals, kills, the PostgreSQL restart.
final class ChaosDriver: Sendable {
    let options: ChaosOptions
    let client: HTTPClient
    let key: String
    let daemons: [ChaosDaemon]
    let fake: FakeProviderServer
    private let random: Mutex<SplitMix64>
    private let events = Mutex<[String]>([])
    private let approvalsDecided = Mutex(0)
    private let startRetries = Mutex(0)

    init(options: ChaosOptions, client: HTTPClient, key: String, daemons: [ChaosDaemon], fake: FakeProviderServer) {
        self.options = options
        self.client = client
        self.key = key
        self.daemons = daemons
        self.fake = fake
        random = Mutex(SplitMix64(seed: options.seed ^ 0x5DEE_CE66))
    }

    /// The baseline, then the faulty phase; the report printed; whether the run passed.
    func run(scratch: String) async throws -> Bool {
        let started = ContinuousClock.now
        print("""
            chaos: \(options.instances) instances of `\(ChaosFlow.name)` (3 sends, 3 polls, 1 model call, 1 wait, 1 approval) \
            on \(options.daemons) daemons sharing PostgreSQL, lease \(options.lease); faults \(Int(options.faultRate * 100)) % \
            of provider requests (seed \(options.seed)); \(options.kills) SIGKILLs; \
            \(options.postgresData == nil ? "no PostgreSQL restart (no --pg-data)" : "1 PostgreSQL restart"); \
            load average \(WorkerBenchmark.loadAverage())
            """)
        var baseline: [String] = []
        if options.baseline > 0 {
            baseline = (0..<options.baseline).map { String(format: "base-%05d", $0) }
            try await phase(tags: baseline, deadline: .seconds(300), chaos: false)
            print("  baseline (no faults, no kills): \(baseline.count) instances in \(ContinuousClock.now - started)")
        }
        fake.faults.setPaused(false)
        let tags = (0..<options.instances).map { String(format: "chaos-%05d", $0) }
        let chaosStarted = ContinuousClock.now
        let kills = try await phase(tags: tags, deadline: options.deadline, chaos: true)
        let elapsed = ContinuousClock.now - chaosStarted
        fake.faults.setPaused(true)
        let report = try await ChaosReport.collect(
            database: options.postgresURL, tags: tags, baseline: baseline, fake: fake)
        print(report.render(
            options: options, kills: kills, elapsed: elapsed, events: events.withLock { $0 },
            approvals: approvalsDecided.withLock { $0 }, startRetries: startRetries.withLock { $0 }))
        return report.passed
    }

    /// Starts `tags` through the API and decides their approvals until all finished (or the
    /// deadline); with `chaos`, kills daemons and restarts PostgreSQL meanwhile. The kills done.
    @discardableResult
    func phase(tags: [String], deadline: Duration, chaos: Bool) async throws -> Int {
        let done = PhaseEnd()
        let until = ContinuousClock.now + deadline
        return try await withThrowingTaskGroup(of: Int.self) { group in
            group.addTask {
                await self.startAll(tags)
                return 0
            }
            group.addTask {
                while !done.reached {
                    await self.decidePendingApprovals()
                    try? await Task.sleep(for: .milliseconds(300))
                }
                return 0
            }
            if chaos {
                group.addTask { await self.killLoop(done: done) }
                if let data = options.postgresData {
                    group.addTask {
                        // Mid-run: once about 40 % of the instances have finished.
                        while !done.reached {
                            let finished = (try? await ChaosReport.finishedCount(self.options.postgresURL, tags: Set(tags))) ?? 0
                            if finished * 10 >= tags.count * 4 { break }
                            try? await Task.sleep(for: .seconds(1))
                        }
                        guard !done.reached else { return 0 }
                        await self.restartPostgres(data)
                        return 0
                    }
                }
            }
            group.addTask {
                let wanted = Set(tags)
                while ContinuousClock.now < until {
                    try? await Task.sleep(for: .seconds(2))
                    if let finished = try? await ChaosReport.finishedCount(self.options.postgresURL, tags: wanted),
                       finished >= wanted.count
                    {
                        break
                    }
                }
                done.reach()
                return 0
            }
            var kills = 0
            for try await count in group { kills += count }
            // Every daemon up again (a restart may still be pending when the loop ends).
            for daemon in daemons where !daemon.isRunning { try? await daemon.start(client: client) }
            return kills
        }
    }

    // MARK: Starts and approvals

    /// `POST /instances` for each tag (Idempotency-Key = tag), 16 at a time, on a random running
    /// daemon; a failed request is sent again (to another daemon) until it is answered 200/201.
    func startAll(_ tags: [String]) async {
        await withTaskGroup(of: Void.self) { group in
            var iterator = tags.makeIterator()
            for _ in 0..<16 {
                guard let tag = iterator.next() else { break }
                group.addTask { await self.start(tag) }
            }
            while await group.next() != nil {
                guard let tag = iterator.next() else { continue }
                group.addTask { await self.start(tag) }
            }
        }
    }

    func start(_ tag: String) async {
        // One number per instance: +1555 1 (chaos) or 2 (baseline), 0, then the tag's five digits.
        let phone = "+1555" + (tag.hasPrefix("base") ? "20" : "10") + tag.suffix(5)
        let body = #"{"flow": "chaos", "input": {"tag": "\#(tag)", "phone": "\#(phone)"}}"#
        while true {
            let daemon = pickRunning()
            var request = HTTPClientRequest(url: daemon.base + "/instances")
            request.method = .POST
            request.headers.add(name: "Authorization", value: "Bearer \(key)")
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: "Idempotency-Key", value: tag)
            request.body = .bytes(ByteBuffer(string: body))
            if let response = try? await client.execute(request, timeout: .seconds(10)) {
                _ = try? await response.body.collect(upTo: 1 << 20)
                if response.status == .created || response.status == .ok { return }
            }
            startRetries.withLock { $0 += 1 }
            try? await Task.sleep(for: .milliseconds(200))
        }
    }

    /// Approves every pending approval, through a random running daemon.
    func decidePendingApprovals() async {
        let daemon = pickRunning()
        guard let list = try? await APIBenchmark.send(
            client, .GET, daemon.base + "/approvals?status=pending&limit=500", key: key)
        else { return }
        for row in list["approvals"]?.arrayValue ?? [] {
            guard let id = row["id"]?.stringValue else { continue }
            var request = HTTPClientRequest(url: pickRunning().base + "/approvals/\(id)/decision")
            request.method = .POST
            request.headers.add(name: "Authorization", value: "Bearer \(key)")
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: #"{"decision": "approve", "notes": "chaos driver"}"#))
            guard let response = try? await client.execute(request, timeout: .seconds(10)) else { continue }
            _ = try? await response.body.collect(upTo: 1 << 20)
            if response.status == .ok { approvalsDecided.withLock { $0 += 1 } }
        }
    }

    func pickRunning() -> ChaosDaemon {
        let running = daemons.filter(\.isRunning)
        let pool = running.isEmpty ? daemons : running
        return pool[random.withLock { Int($0.next() % UInt64(pool.count)) }]
    }

    // MARK: Kills and the PostgreSQL restart

    /// SIGKILLs a random running daemon every 0.5–1.5 × the kill interval until `kills` are done
    /// or the phase is over; each is started again after 0.2–2 s. The kills done.
    func killLoop(done: PhaseEnd) async -> Int {
        var kills = 0
        let mean = Double(options.killInterval.components.seconds) + Double(options.killInterval.components.attoseconds) / 1e18
        await withTaskGroup(of: Void.self) { restarts in
            while kills < options.kills && !done.reached {
                let factor = random.withLock { 0.5 + Double($0.next() % 1_000) / 1_000 }
                try? await Task.sleep(for: .milliseconds(Int(mean * factor * 1_000)))
                guard !done.reached else { break }
                let running = daemons.filter(\.isRunning)
                guard !running.isEmpty else { continue }
                let victim = running[random.withLock { Int($0.next() % UInt64(running.count)) }]
                victim.kill9()
                kills += 1
                let pause = random.withLock { 200 + Int($0.next() % 1_800) }
                restarts.addTask {
                    try? await Task.sleep(for: .milliseconds(pause))
                    for attempt in 1...5 {
                        do {
                            try await victim.start(client: self.client)
                            return
                        } catch {
                            self.note("restart of \(victim.name) failed (attempt \(attempt)): \(error)")
                        }
                    }
                }
            }
        }
        return kills
    }

    /// `pg_ctl restart -m fast` on the cluster (as `postgres` when we are root), timed.
    func restartPostgres(_ data: String) async {
        let started = ContinuousClock.now
        var command = ["pg_ctl", "-D", data, "-m", "fast", "-w", "-l", data + "/server.log", "restart"]
        if getuid() == 0 { command = ["runuser", "-u", "postgres", "--"] + command }
        let status = await Self.spawnAndWait(command)
        note("PostgreSQL restarted (pg_ctl restart -m fast, wait status \(status)) in \(ContinuousClock.now - started)")
    }

    /// Runs a command with posix_spawn and waits for it on a thread of its own; its wait status
    /// (-1: could not start). Not Foundation's Process: it did not see `pg_ctl` exit while the
    /// server it started kept running (Tests/FlowDaemonTests/OwnPostgresCluster.swift).
    static func spawnAndWait(_ arguments: [String]) async -> Int32 {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                var actions = posix_spawn_file_actions_t()
                posix_spawn_file_actions_init(&actions)
                posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
                posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
                posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
                let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
                var pid: pid_t = 0
                var status: Int32 = -1
                if posix_spawnp(&pid, arguments[0], &actions, nil, argv, environ) == 0 {
                    while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
                }
                posix_spawn_file_actions_destroy(&actions)
                for pointer in argv { free(pointer) }
                continuation.resume(returning: status)
            }
        }
    }

    func note(_ event: String) {
        events.withLock { $0.append(event) }
    }
}

/// Set once when a phase is over: its loops (approvals, kills) stop.
final class PhaseEnd: Sendable {
    private let flag = Mutex(false)
    var reached: Bool { flag.withLock { $0 } }
    func reach() { flag.withLock { $0 = true } }
}
