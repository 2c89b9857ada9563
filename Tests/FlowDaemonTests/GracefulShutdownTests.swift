import FlowRuntime
import Travel
import Foundation
import Testing

extension DurabilityTests {
    /// SIGTERM while instances are in flight: the daemon finishes or releases its work and exits 0
    /// within its grace period; nothing stays leased, so a second daemon finishes everything at once
    /// (both run with a two-minute lease: a lease left held would stall the run past its timeout).
    @Test("SIGTERM mid-run: exit 0 within the grace period, no lease left held, a second daemon finishes exactly once",
          .timeLimit(.minutes(4)), arguments: ["sqlite", "postgres"])
    func sigtermMidRun(kind: String) async throws {
        var database: String?
        if kind == "postgres" {
            guard TestPostgres.url != nil else {
                print("skipped: FLOW_TEST_POSTGRES_URL is not set (scripts/test.sh sets it)")
                return
            }
            database = try await TestPostgres.freshDatabase()
        }
        let harness = try await DurabilityHarness.make(scale: .fromEnvironment(instances: 60), database: database)
        defer { Task { await harness.cleanUp() } }
        try await harness.createInstances()
        func daemon(_ name: String) throws -> DaemonProcess {
            try DaemonProcess(
                name: "sigterm-\(kind)-\(name)", database: harness.database, workflows: harness.workflows,
                fakeBaseURL: harness.fakeBaseURL, fakeConfiguration: harness.fake.configuration, lease: "120s",
                logDirectory: harness.directory)
        }
        let first = try daemon("first")
        try await first.start()
        let total = harness.scale.instances * harness.scale.sends
        for _ in 0..<300 where harness.fake.acceptedCount < total / 4 {
            try await Task.sleep(for: .milliseconds(100))
        }
        let graceful = await first.stop(grace: .seconds(10))
        let sentBefore = harness.fake.acceptedCount
        #expect(graceful, "SIGTERM did not stop the daemon with status 0 within 10s\n\(first.logTail())")
        #expect(sentBefore > 0 && sentBefore < total, "not mid-run: \(sentBefore) of \(total) messages sent")

        let now = InstanceWorker<InMemoryFlowStore>.wallClock()
        let limit = harness.scale.instances + 10
        let held = try await harness.withStore { store in
            try await store.instances(matching: InstanceFilter(flow: DurabilityHarness.flowName, limit: limit))
                .filter { !$0.status.isFinished && ($0.leaseUntil.map { $0 > now } ?? false) }
                .map { "\($0.id) leased by \($0.leaseOwner ?? "?") until \($0.leaseUntil?.iso8601 ?? "?")" }
        }
        #expect(held.isEmpty, "leases left held after a graceful shutdown: \(held.prefix(10))")

        let second = try daemon("second")
        try await second.start()
        let counts = try await harness.waitUntilFinished(timeout: .seconds(90))
        #expect(await second.stop(), "SIGTERM did not stop the second daemon within 10s")
        harness.expectAllSucceededExactlyOnce(counts, daemons: [first, second])
    }
}
