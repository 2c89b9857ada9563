import FakeProviders
import FlowEngine
import FlowRuntime
import Foundation
import Steps
import Testing
import Travel

/// One start path: a new instance's first transition goes from the starter to this process's
/// worker, which performs its calls at once; the calls are rebuilt from the stored state only when
/// the handing process died before its worker ran them.
@Suite("Start handoff")
struct StartHandoffTests {
    @Test("the starter's worker performs the first calls without a claim; another worker cannot take them")
    func handedToTheWorker() async throws {
        let store = try await DaemonFixtures.temporarySQLite()
        let registry = DaemonFixtures.registry()
        let fake = FakeProviderServer()
        let clock = TestClock(DaemonFixtures.start)
        let handoff = StartHandoff(owner: "w1", lease: .seconds(60))
        let starter = InstanceStarter(store: store, registry: registry, handoff: handoff)
        let result = try await starter.start(
            flow: "greet", input: ["phone": "+5491155550001"], agency: nil, idempotencyKey: "h1", at: clock.now)
        guard case .created(let record) = result else { Issue.record("not created: \(result)"); return }
        #expect(try await store.instance(id: record.id)?.leaseOwner == "w1")
        let other = DaemonFixtures.worker(store, registry: registry, fake: fake, clock: clock, owner: "w2")
        #expect(try await other.runOnce() == 0)  // leased to w1: nothing to claim
        let worker = DaemonFixtures.worker(store, registry: registry, fake: fake, clock: clock, owner: "w1",
                                           handoff: handoff)
        await worker.runHandedStarts()
        #expect(fake.acceptedCount == 1)
        let after = try #require(try await store.instance(id: record.id))
        #expect(after.status == .waiting)
        #expect(after.leaseOwner == nil)  // the commit released the lease
        // Nothing is re-issued later: the calls were not left outstanding.
        clock.advance(.minutes(10))
        #expect(try await worker.runOnce() == 1)
        #expect(try await store.instance(id: record.id)?.status == .succeeded)
        #expect(fake.acceptedCount == 1)
        try await store.close()
    }

    @Test("when the handing process dies, any worker re-issues the first calls once the lease expires")
    func crashPath() async throws {
        let store = try await DaemonFixtures.temporarySQLite()
        let registry = DaemonFixtures.registry()
        let fake = FakeProviderServer()
        let clock = TestClock(DaemonFixtures.start)
        let handoff = StartHandoff(owner: "dead", lease: .seconds(60))
        _ = try await InstanceStarter(store: store, registry: registry, handoff: handoff)
            .start(flow: "greet", input: ["phone": "+5491155550002"], agency: nil, idempotencyKey: "h2", at: clock.now)
        _ = handoff.takeAll()  // the process that handed it is gone
        let other = DaemonFixtures.worker(store, registry: registry, fake: fake, clock: clock, owner: "w2")
        #expect(try await other.runOnce() == 0)
        clock.advance(.seconds(61))
        #expect(try await other.runOnce() == 1)
        #expect(fake.acceptedCount == 1)
        #expect(try await store.instances(matching: InstanceFilter(status: .waiting)).count == 1)
        try await store.close()
    }
}
