public import FlowEngine

/// The approval operations of a decorated store go to its base unchanged.
extension FlowStoreDecorator {
    public func recordApproval(_ approval: ApprovalRecord) async throws { try await base.recordApproval(approval) }
    public func approval(id: String) async throws -> ApprovalRecord? { try await base.approval(id: id) }
    public func approvals(matching filter: ApprovalFilter) async throws -> [ApprovalRecord] {
        try await base.approvals(matching: filter)
    }
    public func decideApproval(id: String, _ verdict: ApprovalVerdict, delivering event: InboxEvent?) async throws
        -> ApprovalDecideResult
    {
        try await base.decideApproval(id: id, verdict, delivering: event)
    }
    @discardableResult
    public func closeApprovals(
        instanceID: String, approvalID: String?, as status: ApprovalRecord.Status, at: Instant
    ) async throws -> Int {
        try await base.closeApprovals(instanceID: instanceID, approvalID: approvalID, as: status, at: at)
    }
    public func approvalLinkSecret(proposing proposed: String) async throws -> String {
        try await base.approvalLinkSecret(proposing: proposed)
    }
}
