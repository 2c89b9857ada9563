public import FlowEngine

/// Approvals people decide (`approvals` table): recorded when an instance enters an approval
/// state, listed and decided through `ApprovalDecisions`, closed when the instance leaves the
/// approval by its timer or otherwise.
public protocol ApprovalStore: Sendable {
    /// Records a requested approval. Idempotent by `id`: a pending row is replaced (a transition
    /// re-issued after a lost lease asks again), a row that left `pending` is kept as it is.
    func recordApproval(_ approval: ApprovalRecord) async throws

    func approval(id: String) async throws -> ApprovalRecord?

    /// Approvals matching `filter`, ordered by request time then id, at most `filter.limit`.
    func approvals(matching filter: ApprovalFilter) async throws -> [ApprovalRecord]

    /// Decides approval `id` atomically: only a `pending` row whose expiry is after `verdict.at`
    /// takes the verdict; of concurrent deciders exactly one gets `.decided`. `event`, when given,
    /// reaches the instance's inbox in the same transaction as the verdict (ignored when its dedup
    /// key was delivered before), so no crash between the two leaves a decision the instance never hears.
    func decideApproval(id: String, _ verdict: ApprovalVerdict, delivering event: InboxEvent?) async throws
        -> ApprovalDecideResult

    /// Ends the instance's pending approvals without a person's decision (`expired` or
    /// `cancelled`): approval `approvalID` only, or all of them when nil. Returns how many changed.
    @discardableResult
    func closeApprovals(
        instanceID: String, approvalID: String?, as status: ApprovalRecord.Status, at: Instant
    ) async throws -> Int

    /// The secret approval links are signed with (`runtime_secrets`): the one stored, or `proposed`
    /// when none is yet (stored then). Every daemon on one database gets the same one, and it
    /// survives restarts.
    func approvalLinkSecret(proposing proposed: String) async throws -> String
}

extension ApprovalStore {
    /// Decides approval `id` without delivering anything.
    public func decideApproval(id: String, _ verdict: ApprovalVerdict) async throws -> ApprovalDecideResult {
        try await decideApproval(id: id, verdict, delivering: nil)
    }
}
