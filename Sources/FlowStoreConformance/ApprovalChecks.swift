import FlowEngine
import FlowRuntime
import Testing

/// Checks of the approvals table: recording, listing a page at a time, deciding once, closing.
enum ApprovalChecks {
    typealias F = StoreFixtures

    static func approval(
        _ instance: InstanceRecord, _ approvalID: String = "a1", agency: String?, at: Instant = F.t0,
        expiresAt: Instant? = F.t0 + .hours(48), approvers: Value = .null
    ) -> ApprovalRecord {
        ApprovalRecord(
            id: ApprovalRecord.id(instanceID: instance.id, approvalID: approvalID), approvalID: approvalID,
            instanceID: instance.id, agencyID: agency, flow: instance.flow, state: "approve_booking", kind: "booking",
            request: ["kind": "booking", "amount": 1520.5, "currency": "USD", "items": [["name": "O'Hare → EZE"]]],
            approvers: approvers, expiresAt: expiresAt, requestedAt: at)
    }

    /// A waiting instance of a new agency with approval `a1` recorded for it, in `store`.
    static func asked(in store: any FlowStore) async throws -> (instance: InstanceRecord, row: ApprovalRecord) {
        let agency = F.uniqueID("agency")
        let instance = try await F.create(F.instance(status: .waiting, agencyID: agency), in: store)
        let row = approval(instance, agency: agency)
        try await store.recordApproval(row)
        return (instance, row)
    }

    static func recordAndList(_ harness: FlowStoreHarness) async throws {
        try await harness.withStore { store in
            let agency = F.uniqueID("agency")
            let instance = try await F.create(F.instance(status: .waiting, agencyID: agency), in: store)
            let rows = (1...3).map { approval(instance, "a\($0)", agency: agency, at: F.t0 + .seconds(Int64($0))) }
            for row in rows.reversed() { try await store.recordApproval(row) }
            let read = try await store.approval(id: rows[0].id)
            #expect(read == rows[0])
            #expect(try await store.approval(id: F.uniqueID("missing")) == nil)
            // Oldest request first, a page at a time by the last id.
            let first = try await store.approvals(matching: ApprovalFilter(agencyID: agency, limit: 2))
            #expect(first.map(\.id) == rows.prefix(2).map(\.id))
            let next = try await store.approvals(matching: ApprovalFilter(agencyID: agency, after: first.last?.id))
            #expect(next.map(\.id) == [rows[2].id])
            #expect(try await store.approvals(matching: ApprovalFilter(agencyID: F.uniqueID("other"))).isEmpty)
            let all = try await store.approvals(matching: ApprovalFilter(agencyID: nil, status: nil, limit: 10_000))
            #expect(Set(rows.map(\.id)).isSubset(of: Set(all.map(\.id))))
            // Recording again replaces a pending row and keeps a decided one.
            var asked = rows[0]
            asked.expiresAt = F.t0 + .hours(72)
            try await store.recordApproval(asked)
            #expect(try await store.approval(id: asked.id)?.expiresAt == F.t0 + .hours(72))
            let verdict = ApprovalVerdict(approve: true, by: "ana@agency.example", at: F.t0 + .minutes(5))
            _ = try await store.decideApproval(id: asked.id, verdict)
            try await store.recordApproval(rows[0])
            let kept = try await store.approval(id: asked.id)
            #expect(kept?.status == .approved && kept?.expiresAt == F.t0 + .hours(72))
            let pending = try await store.approvals(matching: ApprovalFilter(agencyID: agency))
            #expect(pending.map(\.id) == rows.dropFirst().map(\.id))
        }
    }

    static func decideOnce(_ harness: FlowStoreHarness) async throws {
        try await harness.withStore { store in
            let (instance, row) = try await asked(in: store)
            let agency = row.agencyID
            let at = F.t0 + .minutes(1)
            let verdict = ApprovalVerdict(approve: false, by: "ops", at: at, notes: "too dear", values: ["amount": 900])
            guard case .decided(let decided) = try await store.decideApproval(id: row.id, verdict) else {
                Issue.record("a pending approval must take a verdict")
                return
            }
            #expect(decided.status == .rejected && decided.decidedBy == "ops" && decided.decidedAt == at)
            #expect(try await store.inbox(instanceID: instance.id).isEmpty)
            #expect(decided.notes == "too dear" && decided.values == ["amount": 900])
            #expect(try await store.approval(id: row.id) == decided)
            let again = try await store.decideApproval(id: row.id, ApprovalVerdict(approve: true, by: "x", at: at))
            #expect(again == .alreadyDecided(decided))
            let missing = try await store.decideApproval(id: F.uniqueID("none"), verdict)
            #expect(missing == .notFound)
            // Past its expiry it is refused even while still pending.
            let late = approval(instance, "a2", agency: agency, expiresAt: F.t0 + .hours(1))
            try await store.recordApproval(late)
            let tooLate = ApprovalVerdict(approve: true, by: "ops", at: F.t0 + .hours(1))
            #expect(try await store.decideApproval(id: late.id, tooLate) == .expired(late))
        }
    }

    static func close(_ harness: FlowStoreHarness) async throws {
        try await harness.withStore { store in
            let agency = F.uniqueID("agency")
            let instance = try await F.create(F.instance(status: .waiting, agencyID: agency), in: store)
            let rows = ["a1", "a2", "a3"].map { approval(instance, $0, agency: agency) }
            for row in rows { try await store.recordApproval(row) }
            _ = try await store.decideApproval(id: rows[2].id, ApprovalVerdict(approve: true, by: "ops", at: F.t0))
            let at = F.t0 + .hours(48)
            let id = instance.id
            #expect(try await store.closeApprovals(instanceID: id, approvalID: "a1", as: .expired, at: at) == 1)
            #expect(try await store.closeApprovals(instanceID: id, approvalID: nil, as: .cancelled, at: at) == 1)
            #expect(try await store.closeApprovals(instanceID: id, approvalID: nil, as: .cancelled, at: at) == 0)
            let states = try await rows.asyncMap { try await store.approval(id: $0.id) }
            #expect(states.map { $0?.status } == [.expired, .cancelled, .approved])
            #expect(states[0]?.decidedAt == at && states[1]?.decidedAt == at)
            let verdict = ApprovalVerdict(approve: true, by: "ops", at: F.t0)
            guard case .expired = try await store.decideApproval(id: rows[0].id, verdict),
                  case .cancelled = try await store.decideApproval(id: rows[1].id, verdict)
            else {
                Issue.record("closed approvals must refuse a verdict as expired and cancelled")
                return
            }
        }
    }

    static func concurrentDecisions(_ harness: FlowStoreHarness) async throws {
        try await harness.withStores(8) { stores in
            let row = try await asked(in: stores[0]).row
            let results = try await withThrowingTaskGroup(of: ApprovalDecideResult.self) { group in
                for index in 0..<16 {
                    let store = stores[index % stores.count]
                    group.addTask {
                        let verdict = ApprovalVerdict(approve: index % 2 == 0, by: "decider-\(index)", at: F.t0)
                        return try await store.decideApproval(id: row.id, verdict)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let winners = results.compactMap { if case .decided(let row) = $0 { row } else { nil } }
            let losers = results.compactMap { if case .alreadyDecided(let row) = $0 { row } else { nil } }
            #expect(winners.count == 1 && losers.count == 15)
            #expect(Set(losers) == Set(winners))
            #expect(try await stores[0].approval(id: row.id) == winners.first)
        }
    }

    /// Concurrent daemons proposing secrets all get the same one, and a later proposal gets it too.
    static func linkSecret(_ harness: FlowStoreHarness) async throws {
        try await harness.withStores(4) { stores in
            let secrets = try await withThrowingTaskGroup(of: String.self) { group in
                for (index, store) in stores.enumerated() {
                    group.addTask { try await store.approvalLinkSecret(proposing: F.uniqueID("secret-\(index)")) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(Set(secrets).count == 1)
            let later = try await stores[0].approvalLinkSecret(proposing: F.uniqueID("later"))
            #expect(later == secrets.first)
        }
    }

    static func hostileStrings(_ harness: FlowStoreHarness) async throws {
        try await harness.withStore { store in
            let agency = "acme'); DROP TABLE approvals; --"
            let instance = try await F.create(F.instance(status: .waiting, agencyID: agency), in: store)
            var row = approval(instance, "a'1", agency: agency)
            row.state = "it's \"quoted\""
            try await store.recordApproval(row)
            let notes = "Robert'); DELETE FROM approvals; --"
            _ = try await store.decideApproval(id: row.id, ApprovalVerdict(approve: true, by: "o'brien", at: F.t0,
                                                                          notes: notes))
            let read = try await store.approval(id: row.id)
            #expect(read?.state == row.state && read?.notes == notes && read?.decidedBy == "o'brien")
            #expect(try await store.approvals(matching: ApprovalFilter(agencyID: agency, status: nil)).count == 1)
        }
    }

    /// The verdict and the instance's inbox event commit together; a refused verdict delivers nothing.
    static func decisionDeliversAtomically(_ harness: FlowStoreHarness) async throws {
        try await harness.withStore { store in
            let (instance, row) = try await asked(in: store)
            let at = F.t0 + .minutes(1)
            func event(_ outcome: String) -> InboxEvent {
                InboxEvent(instanceID: instance.id, kind: "approval", payload: ["id": "a1", "outcome": .string(outcome)],
                           dedupKey: "approval:\(row.id)", at: at)
            }
            let first = try await store.decideApproval(
                id: row.id, ApprovalVerdict(approve: true, by: "ops", at: at), delivering: event("approve"))
            guard case .decided = first else {
                Issue.record("a pending approval must take a verdict")
                return
            }
            let inbox = try await store.inbox(instanceID: instance.id)
            #expect(inbox.count == 1 && inbox.first?.kind == "approval" && inbox.first?.payload["outcome"] == "approve")
            // A second decider loses and delivers nothing.
            let second = try await store.decideApproval(
                id: row.id, ApprovalVerdict(approve: false, by: "x", at: at), delivering: event("reject"))
            guard case .alreadyDecided = second else {
                Issue.record("a decided approval must refuse another verdict, got \(second)")
                return
            }
            #expect(try await store.inbox(instanceID: instance.id).map(\.payload["outcome"]) == ["approve"])
        }
    }
}

extension Array where Element: Sendable {
    fileprivate func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var out: [T] = []
        for element in self { out.append(try await transform(element)) }
        return out
    }
}
