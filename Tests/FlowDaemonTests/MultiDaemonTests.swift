import FlowRuntime
import Travel
import Foundation
import Testing

extension DurabilityTests {
    @Test("several daemons share one Postgres: all instances finish, no step executed twice", arguments: [2, 3])
    func sharedPostgres(daemonCount: Int) async throws {
        guard TestPostgres.url != nil else {
            print("skipped: FLOW_TEST_POSTGRES_URL is not set (scripts/test.sh sets it)")
            return
        }
        let database = try await TestPostgres.freshDatabase()
        let harness = try await DurabilityHarness.make(
            scale: .fromEnvironment(instances: 300), database: database)
        defer { Task { await harness.cleanUp() } }
        let started = ContinuousClock.now
        try await harness.createInstances()
        let daemons = try (1...daemonCount).map { try harness.daemon("shared-\(daemonCount)-daemon-\($0)") }
        for daemon in daemons { try await daemon.start() }
        let counts = try await harness.waitUntilFinished(timeout: .seconds(120))
        let survived = daemons.map(\.isRunning)
        var graceful: [Bool] = []
        for daemon in daemons { graceful.append(await daemon.stop()) }
        print("""
            durability[shared-\(daemonCount)]: \(harness.scale.instances) instances × \(harness.scale.sends) sends, \
            statuses \(counts), accepted \(harness.fake.acceptedCount), \(ContinuousClock.now - started)
            """)
        #expect(survived.allSatisfy { $0 }, "a daemon exited: \(daemons.map { $0.logTail() })")
        // A worker stuck on a dead connection would not finish a graceful shutdown.
        #expect(graceful.allSatisfy { $0 }, "SIGTERM did not stop every daemon within 10s: \(graceful)")
        harness.expectAllSucceededExactlyOnce(counts, daemons: daemons)
    }
}
