import FlowEngine
import FlowRuntime
import Testing

/// Checks of the inbox, effect ledger, notification log, schedule fires, instants and binding.
enum LedgerChecks {
    typealias F = StoreFixtures

    static func inbox(_ harness: FlowStoreHarness) async throws {
        try await harness.withStore { store in
            let created = try await F.create(F.instance(status: .waiting, wakeAt: F.t0 + .days(1)), in: store)
            let now = F.t0 + .seconds(1)
            #expect(try await store.claimDue(now: now, owner: "A", leaseFor: .seconds(30), limit: 5).isEmpty)
            let sid = F.uniqueID("SM")
            let event = InboxEvent(instanceID: created.id, kind: "approval", payload: ["decision": "approved"], dedupKey: sid, at: now)
            try await store.deliver(event)
            try await store.deliver(event)
            let pending = try await store.inbox(instanceID: created.id)
            #expect(pending.count == 1)
            #expect(pending.first?.payload == ["decision": "approved"] && pending.first?.dedupKey == sid)
            #expect(pending.first?.at == now && pending.first?.kind == "approval")
            // An undelivered event makes the instance due at once.
            let claimed = try await store.claimDue(now: now, owner: "A", leaseFor: .seconds(30), limit: 5)
            #expect(claimed.map(\.id) == [created.id])
            try await store.commit(
                TransitionRecord(
                    instanceID: created.id, status: .waiting, state: "{}", wakeAt: F.t0 + .days(1), history: [],
                    consumedEvents: pending.map(\.id), at: now
                ),
                owner: "A"
            )
            #expect(try await store.inbox(instanceID: created.id).isEmpty)
            #expect(try await store.claimDue(now: now, owner: "B", leaseFor: .seconds(30), limit: 5).isEmpty)
            // Without a dedup key every delivery counts.
            try await store.deliver(InboxEvent(instanceID: created.id, kind: "event", payload: .null, at: now))
            try await store.deliver(InboxEvent(instanceID: created.id, kind: "event", payload: .null, at: now))
            #expect(try await store.inbox(instanceID: created.id).count == 2)
            let missing = await #expect(throws: StoreError.self) {
                try await store.deliver(InboxEvent(instanceID: "missing", kind: "cancel", payload: .null, at: now))
            }
            #expect(missing?.code == .notFound)
        }
    }

    static func effects(_ harness: FlowStoreHarness) async throws {
        try await harness.withStore { store in
            let key = F.uniqueID("effect")
            let effect = EffectRecord(
                key: key, instanceID: "i-1", step: "twilio.send_template", request: ["to": "+5491155550000"],
                startedAt: F.t0
            )
            #expect(try await store.beginEffect(effect) == .started)
            // Begun by an earlier attempt and never completed: in doubt.
            guard case .inDoubt(let doubtful) = try await store.beginEffect(effect) else {
                Issue.record("a second begin of a pending effect must be in doubt")
                return
            }
            #expect(doubtful.request == ["to": "+5491155550000"] && doubtful.startedAt == F.t0)
            try await store.completeEffect(key: key, status: .done, result: ["sid": "SM123"], providerID: "SM123")
            guard case .done(let done) = try await store.beginEffect(effect) else {
                Issue.record("a completed effect must be reported done")
                return
            }
            #expect(done.result == ["sid": "SM123"] && done.providerID == "SM123" && done.completedAt != nil)

            let failedKey = F.uniqueID("effect")
            var failing = effect
            failing.key = failedKey
            #expect(try await store.beginEffect(failing) == .started)
            try await store.completeEffect(key: failedKey, status: .failed, result: ["error": "63016"], providerID: nil)
            guard case .failed = try await store.beginEffect(failing) else {
                Issue.record("a failed effect must be reported failed")
                return
            }

            // Crash recovery: pending effects older than the cut-off become in doubt; newer ones stay pending.
            var old = effect
            old.key = F.uniqueID("old")
            old.startedAt = F.t0 - .minutes(10)
            var recent = effect
            recent.key = F.uniqueID("recent")
            recent.startedAt = F.t0
            _ = try await store.beginEffect(old)
            _ = try await store.beginEffect(recent)
            let doubts = try await store.effectsInDoubt(olderThan: F.t0 - .minutes(1))
            #expect(doubts.map(\.key).contains(old.key))
            #expect(!doubts.map(\.key).contains(recent.key))
            #expect(doubts.allSatisfy { $0.status == .inDoubt })
            let missing = await #expect(throws: StoreError.self) {
                try await store.completeEffect(key: "missing", status: .done, result: nil, providerID: nil)
            }
            #expect(missing?.code == .notFound)
        }
    }

    /// Racing begins of one effect (two owners re-issuing the same call): exactly one starts it,
    /// every other one finds it begun and in doubt — never two sends, never an error.
    static func racingEffectBegins(_ harness: FlowStoreHarness) async throws {
        try await harness.withStores(8) { stores in
            for _ in 0..<5 {
                let effect = EffectRecord(
                    key: F.uniqueID("race"), instanceID: "i-race", step: "twilio.send_template", request: ["n": 1],
                    startedAt: F.t0)
                let results = try await withThrowingTaskGroup(of: EffectBeginResult.self) { group in
                    for index in 0..<16 {
                        let store = stores[index % stores.count]
                        group.addTask { try await store.beginEffect(effect) }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(results.filter { $0 == .started }.count == 1)
                #expect(results.allSatisfy { result in
                    if case .inDoubt(let found) = result { return found.key == effect.key }
                    return result == .started
                })
            }
        }
    }

    static func scheduleFires(_ harness: FlowStoreHarness) async throws {
        try await harness.withStores(8) { stores in
            let flow = F.uniqueID("flow")
            let wins = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<16 {
                    let store = stores[index % stores.count]
                    group.addTask { try await store.claimScheduleFire(flow: flow, trigger: 0, fireAt: F.t0) }
                }
                return try await group.reduce(into: 0) { $0 += $1 ? 1 : 0 }
            }
            #expect(wins == 1)
            #expect(try await stores[0].claimScheduleFire(flow: flow, trigger: 1, fireAt: F.t0))
            #expect(try await stores[0].claimScheduleFire(flow: flow, trigger: 0, fireAt: F.t0 + TimeSpan(milliseconds: 1)))
            #expect(try await !stores[0].claimScheduleFire(flow: flow, trigger: 0, fireAt: F.t0))
            // The latest claimed fire per trigger is where catch-up resumes.
            #expect(try await stores[1].lastScheduleFire(flow: flow, trigger: 0) == F.t0 + TimeSpan(milliseconds: 1))
            #expect(try await stores[1].lastScheduleFire(flow: flow, trigger: 1) == F.t0)
            #expect(try await stores[1].lastScheduleFire(flow: flow, trigger: 2) == nil)
            #expect(try await stores[1].lastScheduleFire(flow: F.uniqueID("other"), trigger: 0) == nil)
        }
    }

    static func instants(_ harness: FlowStoreHarness) async throws {
        let samples: [Int64] = [1_752_000_000_123, 946_684_800_000, 946_684_799_999, 946_684_800_001, 1, 0, -1, -86_400_001]
        try await harness.withStore { store in
            for milliseconds in samples {
                let at = Instant(epochMilliseconds: milliseconds)
                var record = F.instance(status: .waiting, wakeAt: at)
                record.createdAt = at
                record.updatedAt = at + TimeSpan(milliseconds: 7)
                let created = try await F.create(record, in: store, history: [F.entry("created", at: at, ["at": .instant(at)])])
                #expect(try await store.instance(id: created.id) == record, "instant \(milliseconds)")
                let history = try await store.history(instanceID: created.id, after: 0)
                #expect(history.first?.at == at && history.first?.details == ["at": .instant(at)])
                let key = F.uniqueID("fx")
                _ = try await store.beginEffect(
                    EffectRecord(key: key, instanceID: created.id, step: "s", request: .null, startedAt: at)
                )
                guard case .inDoubt(let effect) = try await store.beginEffect(
                    EffectRecord(key: key, instanceID: created.id, step: "s", request: .null, startedAt: at)
                ) else {
                    Issue.record("expected in doubt")
                    continue
                }
                #expect(effect.startedAt == at, "effect instant \(milliseconds)")
            }
        }
    }

    public static let hostile = [
        "'; DROP TABLE flow_instances; --", "Robert'); DROP TABLE effects;--", #"quote " and \ backslash"#,
        "$1 ? :name %s", "ñandú 🛬 O'Hare", "line\nbreak\ttab",
    ]

    static func hostileStrings(_ harness: FlowStoreHarness) async throws {
        try await harness.withStore { store in
            for (index, text) in hostile.enumerated() {
                let state = Value.object(["note": .string(text)]).jsonText
                let record = F.instance(
                    id: text + "#\(index)-" + F.uniqueID(""), idempotencyKey: text + F.uniqueID(""), agencyID: text,
                    flow: text, state: state
                )
                let created = try await F.create(record, in: store, history: [F.entry(text, ["text": .string(text)])])
                #expect(try await store.instance(id: created.id) == record)
                #expect(try await store.instances(matching: InstanceFilter(flow: text, agencyID: text)).contains(record))
                #expect(try await store.history(instanceID: created.id, after: 0).first?.kind.rawValue == text)
                #expect(try await store.beginEffect(
                    EffectRecord(key: text + F.uniqueID(""), instanceID: created.id, step: text, request: .string(text), startedAt: F.t0)
                ) == .started)
                #expect(try await store.claimScheduleFire(flow: text + F.uniqueID(""), trigger: index, fireAt: F.t0))
            }
            // The tables survived.
            #expect(try await store.definition(hash: F.definition.hash) == F.definition)
            #expect(try await store.instances(matching: InstanceFilter(limit: 1000)).count >= hostile.count)
        }
    }
}
