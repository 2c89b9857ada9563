import FlowEngine
import FlowRuntime
import Testing

/// Checks of `claimBatch`: the leased instances with their pending inbox events and the next wake-up.
enum ClaimChecks {
    typealias F = StoreFixtures

    static func batchCarriesInboxAndNextWake(_ harness: FlowStoreHarness) async throws {
        try await harness.withStore { store in
            let due = try await F.create(F.instance(wakeAt: F.t0), in: store)
            let later = try await F.create(F.instance(status: .waiting, wakeAt: F.t0 + .hours(1)), in: store)
            let signalled = try await F.create(F.instance(status: .waiting, wakeAt: F.t0 + .days(1)), in: store)
            try await F.create(F.instance(status: .succeeded, wakeAt: F.t0 + .minutes(30)), in: store)
            let now = F.t0 + .seconds(1)
            for (index, kind) in ["approval", "event"].enumerated() {
                try await store.deliver(InboxEvent(
                    instanceID: signalled.id, kind: kind, payload: ["n": .number(Double(index))],
                    dedupKey: F.uniqueID("dedup"), at: now))
            }
            let batch = try await store.claimBatch(now: now, owner: "A", leaseFor: .seconds(30), limit: 10)
            // Wake-up order; the finished instance's wake-up is not the next one.
            #expect(batch.claimed.map(\.record.id) == [due.id, signalled.id])
            #expect(batch.claimed.allSatisfy { $0.record.leaseOwner == "A" && $0.record.leaseUntil == now + .seconds(30) })
            #expect(batch.claimed.first?.inbox.isEmpty == true)
            let events = batch.claimed.last?.inbox ?? []
            #expect(events.map(\.kind) == ["approval", "event"])
            #expect(events.map(\.payload) == [["n": 0], ["n": 1]])
            #expect(events.allSatisfy { $0.instanceID == signalled.id && $0.at == now && $0.dedupKey != nil })
            #expect(events.map(\.id) == (try await store.inbox(instanceID: signalled.id)).map(\.id))
            #expect(batch.nextWakeAt == later.wakeAt)
            // Nothing left to claim: the batch is empty and still says when to wake.
            let empty = try await store.claimBatch(now: now, owner: "B", leaseFor: .seconds(30), limit: 10)
            #expect(empty.claimed.isEmpty && empty.nextWakeAt == later.wakeAt)
            #expect(try await store.claimBatch(now: now, owner: "B", leaseFor: .seconds(30), limit: 0).claimed.isEmpty)
            // Past every wake-up and A's lease: all three again, in wake-up order, and nothing ahead.
            let end = F.t0 + .days(2)
            let rest = try await store.claimBatch(now: end, owner: "C", leaseFor: .seconds(30), limit: 10)
            #expect(rest.claimed.map(\.record.id) == [due.id, later.id, signalled.id])
            #expect(rest.nextWakeAt == nil)
        }
    }
}
