import FlowEngine
import FlowRuntime
import Testing

/// Checks of commits made at once by many instances' workers, which a store may write together
/// (group commit on PostgreSQL): each keeps its own fence, history numbering, consumed inbox
/// events, lease and outcome.
enum GroupCommitChecks {
    typealias F = StoreFixtures

    static func concurrentCommitsKeepTheirOwnFences(_ harness: FlowStoreHarness) async throws {
        try await harness.withStore { store in
            let now = F.t0 + .seconds(1)
            var ids: [String] = []
            for _ in 0..<48 {
                ids.append(try await F.create(F.instance(wakeAt: F.t0), in: store, history: [F.entry("created")]).id)
            }
            for id in ids {
                try await store.deliver(InboxEvent(
                    instanceID: id, kind: "event", payload: ["for": .string(id)], dedupKey: F.uniqueID("dedup"), at: now))
            }
            let batch = try await store.claimBatch(now: now, owner: "A", leaseFor: .minutes(5), limit: 48)
            #expect(batch.claimed.count == 48)
            let inbox = Dictionary(uniqueKeysWithValues: batch.claimed.map { ($0.record.id, $0.inbox.map(\.id)) })
            // Every fifth commit comes from a worker that holds no lease; one names no instance.
            let strangers = Set(ids.enumerated().filter { $0.offset % 5 == 0 }.map(\.element))
            let missing = F.uniqueID("missing")
            func transition(_ n: Int, _ id: String) -> TransitionRecord {
                TransitionRecord(
                    instanceID: id, status: n % 3 == 0 ? .succeeded : .waiting, state: #"{"n":\#(n)}"#,
                    wakeAt: n % 3 == 0 ? nil : now + .minutes(Int64(n)), history: [
                        F.entry("state_entered", at: now, ["n": .number(Double(n))]),
                        F.entry("timer_set", at: now + TimeSpan(milliseconds: Int64(n))),
                    ],
                    consumedEvents: inbox[id] ?? [], keepLeaseUntil: n % 2 == 0 ? now + .seconds(60) : nil, at: now)
            }
            let outcomes = await withTaskGroup(of: (String, StoreError.Code?).self) { group in
                for (n, id) in (ids + [missing]).enumerated() {
                    group.addTask {
                        do {
                            try await store.commit(transition(n, id), owner: strangers.contains(id) ? "B" : "A")
                            return (id, nil)
                        } catch let error as StoreError {
                            return (id, error.code)
                        } catch {
                            return (id, .corrupt)
                        }
                    }
                }
                return await group.reduce(into: [String: StoreError.Code?]()) { $0[$1.0] = $1.1 }
            }
            #expect(outcomes[missing] == .some(.notFound))
            for (n, id) in ids.enumerated() {
                let stored = try #require(try await store.instance(id: id))
                let history = try await store.history(instanceID: id, after: 0)
                if strangers.contains(id) {
                    #expect(outcomes[id] == .some(.leaseLost), "\(id)")
                    #expect(stored.state == #"{"state":"start"}"# && stored.leaseOwner == "A")
                    #expect(history.map(\.kind.rawValue) == ["created"])
                    #expect(try await store.inbox(instanceID: id).count == 1)
                    continue
                }
                #expect(outcomes[id] == .some(nil), "\(id)")
                #expect(stored.state == #"{"n":\#(n)}"#)
                #expect(stored.status == (n % 3 == 0 ? .succeeded : .waiting))
                #expect(stored.wakeAt == (n % 3 == 0 ? nil : now + .minutes(Int64(n))))
                #expect(stored.leaseOwner == (n % 2 == 0 ? "A" : nil))
                #expect(stored.leaseUntil == (n % 2 == 0 ? now + .seconds(60) : nil))
                #expect(stored.updatedAt == now)
                #expect(history.map(\.sequence) == [1, 2, 3])
                #expect(history.map(\.kind.rawValue) == ["created", "state_entered", "timer_set"])
                #expect(history[1].details == ["n": .number(Double(n))])
                #expect(history[2].at == now + TimeSpan(milliseconds: Int64(n)))
                #expect(try await store.inbox(instanceID: id).isEmpty)
            }
        }
    }
}
