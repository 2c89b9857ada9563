import FlowRuntime
import Travel
import Foundation
import Testing

/// The durability tests of the daemon: real `flowctl serve` processes, real HTTP to the fake
/// providers, SQLite files and the test PostgreSQL cluster. One at a time (they load the machine).
@Suite("Durability", .serialized)
struct DurabilityTests {
    /// CI must fail, not skip, when the PostgreSQL durability tests could not run.
    @Test func postgresRunsInCI() {
        if ProcessInfo.processInfo.environment["CI"] == "true" {
            #expect(TestPostgres.url != nil, "CI=true but FLOW_TEST_POSTGRES_URL is not set: Postgres tests did not run")
        }
    }

    @Test("kill -9 at random moments on SQLite: every instance finishes, every message exactly once")
    func crashRecoverySQLite() async throws {
        let harness = try await DurabilityHarness.make(scale: .fromEnvironment(instances: 200))
        defer { Task { await harness.cleanUp() } }
        try await Self.crashRun(harness, daemonCount: 1, label: "sqlite")
    }

    @Test("kill -9 at random moments, two daemons on Postgres: every instance finishes, every message exactly once")
    func crashRecoveryPostgres() async throws {
        guard TestPostgres.url != nil else {
            print("skipped: FLOW_TEST_POSTGRES_URL is not set (scripts/test.sh sets it)")
            return
        }
        let database = try await TestPostgres.freshDatabase()
        let harness = try await DurabilityHarness.make(scale: .fromEnvironment(instances: 200), database: database)
        defer { Task { await harness.cleanUp() } }
        try await Self.crashRun(harness, daemonCount: 2, label: "postgres")
    }

    /// Creates the instances, starts the daemons, kills a random one with SIGKILL after a random
    /// 0.3–1.5 s and starts it again, `kills` times, then waits for the end and checks.
    static func crashRun(_ harness: DurabilityHarness, daemonCount: Int, label: String) async throws {
        let started = ContinuousClock.now
        try await harness.createInstances()
        let daemons = try (1...daemonCount).map { try harness.daemon("\(label)-daemon-\($0)") }
        for daemon in daemons { try await daemon.start() }
        var kills = 0
        for _ in 0..<harness.scale.kills {
            try await Task.sleep(for: .milliseconds(Int.random(in: 300...1500)))
            let victim = daemons.randomElement()!
            victim.kill9()
            kills += 1
            try await victim.start()
        }
        let counts = try await harness.waitUntilFinished(timeout: .seconds(120))
        var graceful: [Bool] = []
        for daemon in daemons { graceful.append(await daemon.stop()) }
        let resolutions = try await harness.inDoubtResolutions()
        print("""
            durability[\(label)]: \(harness.scale.instances) instances × \(harness.scale.sends) sends, \
            \(daemonCount) daemon(s), \(kills) kill -9, statuses \(counts), accepted \(harness.fake.acceptedCount), \
            in-doubt resolutions \(resolutions), \(ContinuousClock.now - started)
            """)
        #expect(graceful.allSatisfy { $0 }, "SIGTERM did not stop every daemon within 10s: \(graceful)")
        harness.expectAllSucceededExactlyOnce(counts, daemons: daemons)
    }
}
