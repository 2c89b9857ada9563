public import FlowEngine

/// Lists and decides approvals for people: the one library the control plane's routes and
/// `flowctl approvals` share. Reads are scoped to an agency (nil: every agency, for admins);
/// another agency's approval is `notFound`, exactly like a missing one.
public struct ApprovalDecisions<Store: FlowStore>: Sendable {
    public let store: Store
    /// Rung after a decision is delivered, so an idle worker of this process resumes the instance at once.
    public let wakeup: WorkerWakeup?

    public init(store: Store, wakeup: WorkerWakeup? = nil) {
        self.store = store
        self.wakeup = wakeup
    }

    /// Approval `id` when `agency` may see it (nil: any agency).
    public func approval(id: String, agency: String?) async throws -> ApprovalRecord? {
        guard let row = try await store.approval(id: id), Self.visible(row, to: agency) else { return nil }
        return row
    }

    /// Approvals of `agency` (nil: every agency) in `status` (default pending), oldest request first;
    /// pass the last id of a page as `after` for the next.
    public func list(
        agency: String?, status: ApprovalRecord.Status? = .pending, after: String? = nil, limit: Int = 100
    ) async throws -> [ApprovalRecord] {
        let filter = ApprovalFilter(agencyID: agency, status: status, after: after, limit: limit)
        return try await store.approvals(matching: filter)
    }

    /// Decides approval `id` for `agency` (nil: an admin, any agency) as `by`, checked in this order:
    /// visible to the agency (else `notFound`), pending and not expired at `now` (else `conflict`),
    /// `identity` among the declared `approvers` when both exist (else `notAnApprover`), `values`
    /// fitting the request (`ApprovalValues`; else `invalidValues`). Then the decision is persisted
    /// atomically (of concurrent deciders one wins, the others get `conflict`) together with its
    /// `approval` event in the instance's inbox (dedup key `approval:<id>`, so it reaches the instance
    /// once however often it is retried); the instance resumes through its worker.
    ///
    /// A decision already persisted is delivered again (a no-op unless an earlier delivery was lost
    /// between the two writes) before `conflict` is answered.
    public func decide(
        id: String, outcome: ApprovalDecision.Outcome, by: String?, identity: String? = nil, notes: String? = nil,
        values: Value? = nil, agency: String?, at now: Instant
    ) async throws -> ApprovalDecisionResult {
        try await decide(id: id, outcome: outcome, by: by, identity: identity, notes: notes, values: values,
                         agency: agency, via: nil, at: now)
    }

    /// The same, saying how it was made when not through the API or the CLI (`via`: `link`, a signed
    /// approval link); `via` reaches the timeline's `approval_decided` record (not the row).
    public func decide(
        id: String, outcome: ApprovalDecision.Outcome, by: String?, identity: String?, notes: String?,
        values: Value?, agency: String?, via: String?, at now: Instant
    ) async throws -> ApprovalDecisionResult {
        guard let row = try await approval(id: id, agency: agency) else { return .notFound }
        guard row.isOpen(at: now) else { return try await refused(.refused(row, at: now), at: now) }
        if let identity, !Self.approves(row.approvers, identity) { return .notAnApprover(row) }
        let problems = ApprovalValues.problems(values, request: row.request)
        guard problems.isEmpty else { return .invalidValues(problems) }
        let verdict = ApprovalVerdict(approve: outcome == .approve, by: by, at: now, notes: notes,
                                      values: values == .null ? nil : values)
        // The verdict and its inbox event commit together: a crash between two writes would leave a
        // decision the instance never hears (found by the chaos run: SIGKILLs mid-decision).
        let event = Self.inboxEvent(row.decided(by: verdict), via: via, at: now)
        let result = try await store.decideApproval(id: id, verdict, delivering: event)
        guard case .decided(let stored) = result else { return try await refused(result, at: now) }
        wakeup?.ring()
        return .decided(stored)
    }

    private func refused(_ result: ApprovalDecideResult, at now: Instant) async throws -> ApprovalDecisionResult {
        switch result {
        case .decided(let row): return .decided(row)
        case .notFound: return .notFound
        case .alreadyDecided(let row):
            // Best effort: the answer is the conflict whether or not the instance still exists.
            try? await deliver(row, at: row.decidedAt ?? now)
            return .conflict(row, .alreadyDecided)
        case .expired(let row): return .conflict(row, .expired)
        case .cancelled(let row): return .conflict(row, .cancelled)
        }
    }

    /// Delivers a decided row again (a no-op unless its delivery was lost).
    private func deliver(_ row: ApprovalRecord, at now: Instant) async throws {
        try await store.deliver(Self.inboxEvent(row, via: nil, at: now))
        wakeup?.ring()
    }

    /// The inbox event the worker turns into `approvalDecided` (`InstanceWorker.event(from:)`), one
    /// per approval (dedup key `approval:<id>`).
    static func inboxEvent(_ row: ApprovalRecord, via: String?, at now: Instant) -> InboxEvent {
        let outcome: ApprovalDecision.Outcome = row.status == .approved ? .approve : .reject
        var fields: [String: Value] = [
            "id": .string(row.approvalID), "outcome": .string(outcome.rawValue),
            "by": row.decidedBy.map(Value.string) ?? .null, "notes": row.notes.map(Value.string) ?? .null,
            "values": row.values ?? .null,
        ]
        if let via { fields["via"] = .string(via) }
        return InboxEvent(
            instanceID: row.instanceID, kind: "approval", payload: .object(fields), dedupKey: "approval:\(row.id)", at: now)
    }

    static func visible(_ row: ApprovalRecord, to agency: String?) -> Bool {
        agency == nil || row.agencyID == agency
    }

    /// Whether `identity` is among `approvers` (a list of names or addresses, or one); none declared
    /// lets anyone decide. Compared without regard to case.
    static func approves(_ approvers: Value, _ identity: String) -> Bool {
        let names: [String] =
            switch approvers {
            case .string(let one): [one]
            case .array(let many): many.compactMap(\.stringValue)
            default: []
            }
        guard !names.isEmpty else { return true }
        return names.contains { $0.lowercased() == identity.lowercased() }
    }
}
