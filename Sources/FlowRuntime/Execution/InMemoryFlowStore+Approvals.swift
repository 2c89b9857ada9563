public import FlowEngine

/// Approvals in memory (the actor serializes decisions, so exactly one decider wins).
extension InMemoryFlowStore {
    public func recordApproval(_ approval: ApprovalRecord) async throws {
        if let existing = approvalRows[approval.id], existing.status != .pending { return }
        var row = approval
        row.status = .pending
        approvalRows[approval.id] = row
    }

    public func approval(id: String) async throws -> ApprovalRecord? { approvalRows[id] }

    public func approvals(matching filter: ApprovalFilter) async throws -> [ApprovalRecord] {
        let sorted = approvalRows.values.filter {
            (filter.agencyID == nil || $0.agencyID == filter.agencyID)
                && (filter.status == nil || $0.status == filter.status)
                && (filter.instanceID == nil || $0.instanceID == filter.instanceID)
        }.sorted { ($0.requestedAt, $0.id) < ($1.requestedAt, $1.id) }
        guard let after = filter.after else { return Array(sorted.prefix(max(0, filter.limit))) }
        guard let cursor = approvalRows[after] else { return [] }
        let later = sorted.filter { ($0.requestedAt, $0.id) > (cursor.requestedAt, cursor.id) }
        return Array(later.prefix(max(0, filter.limit)))
    }

    public func decideApproval(id: String, _ verdict: ApprovalVerdict, delivering event: InboxEvent?) async throws
        -> ApprovalDecideResult
    {
        guard let open = approvalRows[id], open.isOpen(at: verdict.at) else {
            return .refused(approvalRows[id], at: verdict.at)
        }
        let row = open.decided(by: verdict)
        approvalRows[id] = row
        if let event { try await deliver(event) }
        return .decided(row)
    }

    @discardableResult
    public func closeApprovals(
        instanceID: String, approvalID: String?, as status: ApprovalRecord.Status, at: Instant
    ) async throws -> Int {
        let ids = approvalRows.values.filter {
            $0.instanceID == instanceID && $0.status == .pending && (approvalID == nil || $0.approvalID == approvalID)
        }.map(\.id)
        for id in ids {
            approvalRows[id]?.status = status
            approvalRows[id]?.decidedAt = at
        }
        return ids.count
    }

    public func approvalLinkSecret(proposing proposed: String) async throws -> String {
        if let stored = secrets["approval_link"] { return stored }
        secrets["approval_link"] = proposed
        return proposed
    }
}
