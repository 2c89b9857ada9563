import FlowRuntime
import Travel
import Foundation
import Testing

extension DurabilityTests {
    @Test("Postgres restarts mid-run (pg_ctl restart -m fast, twice): the daemons reconnect, exactly once")
    func postgresRestart() async throws {
        guard OwnPostgresCluster.available else {
            print("skipped: FLOW_TEST_POSTGRES_URL is not set (scripts/test.sh sets it)")
            return
        }
        // A cluster of its own: the other tests share scripts/test.sh's and must not see the restarts.
        let cluster = try await OwnPostgresCluster.make()
        defer { cluster.destroy() }
        let harness = try await DurabilityHarness.make(scale: .fromEnvironment(instances: 200), database: cluster.url)
        defer { Task { await harness.cleanUp() } }
        let started = ContinuousClock.now
        try await harness.createInstances()
        let daemons = try (1...2).map { try harness.daemon("restart-daemon-\($0)") }
        for daemon in daemons { try await daemon.start() }
        var restarts = 0
        for _ in 0..<2 {
            try await Task.sleep(for: .milliseconds(Int.random(in: 800...1600)))
            try await cluster.restart()
            restarts += 1
        }
        let counts = try await harness.waitUntilFinished(timeout: .seconds(60))
        let survived = daemons.map(\.isRunning)
        var graceful: [Bool] = []
        for daemon in daemons { graceful.append(await daemon.stop()) }
        let resolutions = try await harness.inDoubtResolutions()
        print("""
            durability[pg-restart]: \(harness.scale.instances) instances × \(harness.scale.sends) sends, \
            \(restarts) Postgres restarts, statuses \(counts), accepted \(harness.fake.acceptedCount), \
            in-doubt resolutions \(resolutions), \(ContinuousClock.now - started)
            """)
        #expect(survived.allSatisfy { $0 }, "a daemon did not survive the restart: \(daemons.map { $0.logTail() })")
        // A worker stuck on a dead connection would not finish a graceful shutdown (the hang this
        // test found: PostgresNIO drops a statement written to a closed connection; see PostgresStatementWatch).
        #expect(graceful.allSatisfy { $0 }, "SIGTERM did not stop every daemon within 10s: \(graceful)")
        harness.expectAllSucceededExactlyOnce(counts, daemons: daemons)
    }
}
