import FlowEngine
import FlowRuntime
import Testing

/// Checks of definitions, instances, claiming, commits and history.
enum InstanceChecks {
    typealias F = StoreFixtures

    static func migrationsIdempotent(_ harness: FlowStoreHarness) async throws {
        try await harness.withStore { store in
            try await store.migrate()
            try await store.migrate()
            let created = try await F.create(F.instance(), in: store)
            try await store.migrate()
            #expect(try await store.instance(id: created.id) == created)
        }
    }

    static func definitionsRoundTrip(_ harness: FlowStoreHarness) async throws {
        try await harness.withStore { store in
            try await store.saveDefinition(F.definition)
            try await store.saveDefinition(F.definition)
            #expect(try await store.definition(hash: F.definition.hash) == F.definition)
            #expect(try await store.definition(hash: "missing") == nil)
            // Every version of a name, newest first; other names apart.
            let name = F.uniqueID("flow")
            var older = F.definition, newer = F.definition, other = F.definition
            (older.name, older.hash, older.version, older.createdAt) = (name, F.uniqueID("h1"), 1, F.t0)
            (newer.name, newer.hash, newer.version, newer.createdAt) = (name, F.uniqueID("h2"), 2, F.t0 + .minutes(1))
            (other.name, other.hash) = (F.uniqueID("flow"), F.uniqueID("h3"))
            for definition in [older, newer, other] { try await store.saveDefinition(definition) }
            #expect(try await store.definitions(name: name) == [newer, older])
            #expect(try await store.definitions(name: F.uniqueID("none")).isEmpty)
        }
    }

    static func createIdempotent(_ harness: FlowStoreHarness) async throws {
        try await harness.withStore { store in
            let key = F.uniqueID("key")
            let first = try await F.create(F.instance(idempotencyKey: key), in: store)
            let again = try await store.createInstance(F.instance(idempotencyKey: key), history: [F.entry("x")])
            #expect(again == .existing(first))
            #expect(try await store.history(instanceID: first.id, after: 0).isEmpty)
            // The same id without the key is a conflict, not a silent success.
            await #expect(throws: StoreError.self) {
                _ = try await store.createInstance(F.instance(id: first.id), history: [])
            }
        }
    }

    static func concurrentCreates(_ harness: FlowStoreHarness) async throws {
        try await harness.withStores(8) { stores in
            try await stores[0].saveDefinition(F.definition)
            let key = F.uniqueID("key")
            let results = try await withThrowingTaskGroup(of: CreateInstanceResult.self) { group in
                for index in 0..<16 {
                    let store = stores[index % stores.count]
                    group.addTask {
                        try await store.createInstance(F.instance(idempotencyKey: key), history: [F.entry("started")])
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            var created: [InstanceRecord] = []
            var existing: [InstanceRecord] = []
            for result in results {
                switch result {
                case .created(let record): created.append(record)
                case .existing(let record): existing.append(record)
                }
            }
            #expect(created.count == 1)
            #expect(existing.count == 15)
            #expect(Set(existing.map(\.id)) == Set(created.map(\.id)))
            if let id = created.first?.id {
                #expect(try await stores[0].history(instanceID: id, after: 0).count == 1)
            }
        }
    }

    /// 30 creates at once on one store (a store that groups them writes them together): 20 new
    /// instances (with and without agency, wake-up, lease) each read back as written with its two
    /// history entries, 5 sharing one idempotency key (one created, four answered it), 5 sharing
    /// one id without a key (one created, four conflicts).
    static func concurrentCreatesKeepTheirOutcomes(_ harness: FlowStoreHarness) async throws {
        try await harness.withStore { store in
            try await store.saveDefinition(F.definition)
            let (key, sharedID) = (F.uniqueID("key"), F.uniqueID("inst"))
            let records: [InstanceRecord] = (0..<30).map { index in
                switch index {
                case 0..<20:
                    var record = F.instance(wakeAt: index % 3 == 0 ? nil : F.t0 + .seconds(Int64(index)),
                                            agencyID: index % 2 == 0 ? nil : "agency-\(index)")
                    if index % 4 == 0 {
                        record.leaseOwner = "worker-\(index)"
                        record.leaseUntil = F.t0 + .minutes(1)
                    }
                    return record
                case 20..<25: return F.instance(idempotencyKey: key)
                default: return F.instance(id: sharedID)
                }
            }
            let outcomes = await withTaskGroup(of: (Int, Result<CreateInstanceResult, any Error>).self) { group in
                for (index, record) in records.enumerated() {
                    group.addTask {
                        do {
                            let history = [F.entry("started"), F.entry("decided")]
                            return (index, .success(try await store.createInstance(record, history: history)))
                        } catch {
                            return (index, .failure(error))
                        }
                    }
                }
                return await group.reduce(into: [Int: Result<CreateInstanceResult, any Error>]()) { $0[$1.0] = $1.1 }
            }
            for index in 0..<20 {
                #expect(try outcomes[index]?.get() == .created(records[index]))
                #expect(try await store.instance(id: records[index].id) == records[index])
                #expect(try await store.history(instanceID: records[index].id, after: 0).count == 2)
            }
            let keyed = (20..<25).compactMap { try? outcomes[$0]?.get() }
            let keyedCreated = keyed.compactMap { if case .created(let r) = $0 { r } else { nil } }
            #expect(keyed.count == 5 && keyedCreated.count == 1)
            #expect(keyed.allSatisfy {
                switch $0 { case .created(let r), .existing(let r): r.id == keyedCreated.first?.id }
            })
            let sameID = (25..<30).compactMap { outcomes[$0] }
            #expect(sameID.filter { (try? $0.get()) != nil }.count == 1)
            #expect(sameID.filter { if case .failure(let e as StoreError) = $0 { e.code == .conflict } else { false } }.count == 4)
            #expect(try await store.history(instanceID: sharedID, after: 0).count == 2)
        }
    }

    static func filter(_ harness: FlowStoreHarness) async throws {
        try await harness.withStore { store in
            let agency = F.uniqueID("agency")
            let a = try await F.create(F.instance(status: .waiting, agencyID: agency), in: store)
            let b = try await F.create(F.instance(status: .succeeded, agencyID: agency, flow: "planning"), in: store)
            #expect(Set(try await store.instances(matching: InstanceFilter(agencyID: agency)).map(\.id)) == [a.id, b.id])
            #expect(try await store.instances(matching: InstanceFilter(agencyID: agency, status: .waiting)) == [a])
            #expect(try await store.instances(matching: InstanceFilter(flow: "planning", agencyID: agency)) == [b])
            #expect(try await store.instances(matching: InstanceFilter(agencyID: agency, limit: 1)).count == 1)
            let flow = F.uniqueID("counted")
            for status in [InstanceStatus.waiting, .waiting, .failed] {
                try await F.create(F.instance(status: status, agencyID: agency, flow: flow), in: store)
            }
            #expect(try await store.instanceCounts(flow: flow) == [.waiting: 2, .failed: 1])
            #expect(try await store.instanceCounts(flow: F.uniqueID("none")) == [:])
            let all = try await store.instanceCounts(flow: nil)
            #expect(all[.waiting, default: 0] >= 3 && all[.succeeded, default: 0] >= 1)
        }
    }

    static func claimLeaseExpiry(_ harness: FlowStoreHarness) async throws {
        try await harness.withStore { store in
            let due = try await F.create(F.instance(wakeAt: F.t0), in: store)
            try await F.create(F.instance(wakeAt: F.t0 + .hours(1)), in: store)
            try await F.create(F.instance(status: .succeeded, wakeAt: F.t0), in: store)
            let now = F.t0 + .seconds(1)
            let claimed = try await store.claimDue(now: now, owner: "A", leaseFor: .seconds(30), limit: 10)
            #expect(claimed.map(\.id) == [due.id])
            #expect(claimed.first?.leaseOwner == "A")
            #expect(claimed.first?.leaseUntil == now + .seconds(30))
            #expect(try await store.claimDue(now: now + .seconds(29), owner: "B", leaseFor: .seconds(30), limit: 10).isEmpty)
            // The lease expires: another worker reclaims it, and the first one is fenced off.
            let later = now + .seconds(31)
            let reclaimed = try await store.claimDue(now: later, owner: "B", leaseFor: .seconds(30), limit: 10)
            #expect(reclaimed.map(\.id) == [due.id])
            #expect(reclaimed.first?.leaseOwner == "B")
            let late = TransitionRecord(instanceID: due.id, status: .succeeded, state: "{}", wakeAt: nil, history: [], at: later)
            let fenced = await #expect(throws: StoreError.self) { try await store.commit(late, owner: "A") }
            #expect(fenced?.code == .leaseLost)
            #expect(try await store.claimDue(now: later, owner: "C", leaseFor: .seconds(30), limit: 0).isEmpty)
        }
    }

    static func concurrentClaimers(_ harness: FlowStoreHarness) async throws {
        try await harness.withStores(8) { stores in
            var ids: Set<String> = []
            for _ in 0..<48 { ids.insert(try await F.create(F.instance(wakeAt: F.t0), in: stores[0]).id) }
            let now = F.t0 + .seconds(1)
            let claims = try await withThrowingTaskGroup(of: [String].self) { group in
                for worker in 0..<8 {
                    let store = stores[worker]
                    group.addTask {
                        var mine: [String] = []
                        while true {
                            let batch = try await store.claimDue(
                                now: now, owner: "worker-\(worker)", leaseFor: .minutes(5), limit: 3
                            )
                            if batch.isEmpty { return mine }
                            #expect(batch.allSatisfy { $0.leaseOwner == "worker-\(worker)" })
                            mine += batch.map(\.id)
                        }
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let all = claims.flatMap { $0 }
            #expect(all.count == Set(all).count, "an instance was claimed twice")
            #expect(Set(all) == ids)
        }
    }

    static func commitFencing(_ harness: FlowStoreHarness) async throws {
        try await harness.withStore { store in
            let created = try await F.create(F.instance(wakeAt: F.t0), in: store)
            let now = F.t0 + .seconds(1)
            _ = try await store.claimDue(now: now, owner: "A", leaseFor: .seconds(30), limit: 1)
            // A stranger cannot commit.
            let step = TransitionRecord(
                instanceID: created.id, status: .running, state: #"{"state":"next"}"#, wakeAt: now,
                history: [F.entry("state_entered", at: now)], keepLeaseUntil: now + .seconds(60), at: now
            )
            let stranger = await #expect(throws: StoreError.self) { try await store.commit(step, owner: "B") }
            #expect(stranger?.code == .leaseLost)
            try await store.commit(step, owner: "A")
            var stored = try #require(try await store.instance(id: created.id))
            #expect(stored.state == #"{"state":"next"}"#)
            #expect(stored.leaseOwner == "A" && stored.leaseUntil == now + .seconds(60))
            #expect(stored.updatedAt == now)
            // Kept lease: due but not claimable by anyone else.
            #expect(try await store.claimDue(now: now, owner: "B", leaseFor: .seconds(30), limit: 5).isEmpty)
            let done = TransitionRecord(
                instanceID: created.id, status: .waiting, state: #"{"state":"wait"}"#, wakeAt: now + .hours(2),
                history: [], at: now
            )
            try await store.commit(done, owner: "A")
            stored = try #require(try await store.instance(id: created.id))
            #expect(stored.status == .waiting && stored.wakeAt == now + .hours(2))
            #expect(stored.leaseOwner == nil && stored.leaseUntil == nil)
            // Released: committing again with the old lease is fenced.
            await #expect(throws: StoreError.self) { try await store.commit(done, owner: "A") }
            let unknown = TransitionRecord(instanceID: "missing", status: .failed, state: "{}", wakeAt: nil, history: [], at: now)
            let missing = await #expect(throws: StoreError.self) { try await store.commit(unknown, owner: "A") }
            #expect(missing?.code == .notFound)
        }
    }

    static func historyOrder(_ harness: FlowStoreHarness) async throws {
        try await harness.withStore { store in
            let created = try await F.create(
                F.instance(wakeAt: F.t0), in: store, history: [F.entry("created"), F.entry("state_entered")]
            )
            let now = F.t0 + .seconds(1)
            _ = try await store.claimDue(now: now, owner: "A", leaseFor: .seconds(30), limit: 1)
            let kinds = ["step_called", "step_succeeded", "timer_set"]
            try await store.commit(
                TransitionRecord(
                    instanceID: created.id, status: .waiting, state: "{}", wakeAt: now + .hours(1),
                    history: kinds.map { F.entry($0, at: now, ["step": "twilio.send_template", "attempt": 1]) }, at: now
                ),
                owner: "A"
            )
            let all = try await store.history(instanceID: created.id, after: 0)
            #expect(all.map(\.sequence) == [1, 2, 3, 4, 5])
            #expect(all.map(\.kind.rawValue) == ["created", "state_entered"] + kinds)
            #expect(all[2].details == ["step": "twilio.send_template", "attempt": 1])
            #expect(try await store.history(instanceID: created.id, after: 3).map(\.sequence) == [4, 5])
            #expect(try await store.history(instanceID: "missing", after: 0).isEmpty)
        }
    }

    static func annotations(_ harness: FlowStoreHarness) async throws {
        try await harness.withStore { store in
            let created = try await F.create(F.instance(wakeAt: F.t0), in: store, history: [F.entry("created")])
            let now = F.t0 + .seconds(1)
            _ = try await store.claimDue(now: now, owner: "A", leaseFor: .seconds(30), limit: 1)
            try await store.annotate(instanceID: created.id, [F.entry("feedback", at: now, ["rating": 4])])
            // The worker still holds its lease and its next commit numbers after the annotation.
            try await store.commit(
                TransitionRecord(
                    instanceID: created.id, status: .succeeded, state: "{}", wakeAt: nil,
                    history: [F.entry("completed", at: now)], at: now),
                owner: "A")
            try await store.annotate(instanceID: created.id, [F.entry("feedback", at: now, ["rating": 5])])
            let all = try await store.history(instanceID: created.id, after: 0)
            #expect(all.map(\.sequence) == [1, 2, 3, 4])
            #expect(all.map(\.kind.rawValue) == ["created", "feedback", "completed", "feedback"])
            #expect(all[3].details["rating"] == 5)
            #expect(try await store.instance(id: created.id)?.status == .succeeded)
            let missing = await #expect(throws: StoreError.self) {
                try await store.annotate(instanceID: "missing", [F.entry("feedback", at: now)])
            }
            #expect(missing?.code == .notFound)
        }
    }
}
