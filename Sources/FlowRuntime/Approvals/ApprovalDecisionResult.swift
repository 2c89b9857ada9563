public import FlowEngine

/// What `ApprovalDecisions.decide` did, one case per answer a caller gives: routes map
/// `decided` → 200, `notFound` → 404, `conflict` → 409, `invalidValues` → 422, `notAnApprover` → 403;
/// `flowctl approvals approve|reject` exits 0 for `decided` and 64 for every other case.
public enum ApprovalDecisionResult: Sendable, Hashable, CustomStringConvertible {
    /// Why a decision came too late.
    public enum Conflict: String, Sendable, Hashable {
        /// A person approved or rejected it before.
        case alreadyDecided = "already_decided"
        /// Past its `expires_at` (or already ended by the instance's timer).
        case expired
        /// The instance left the approval otherwise (cancelled, failed, ended).
        case cancelled
    }

    /// Persisted and delivered to the instance; the row as it now is.
    case decided(ApprovalRecord)
    /// No such approval, or another agency's (ids leak nothing).
    case notFound
    /// Not pending any more; the row as it is.
    case conflict(ApprovalRecord, Conflict)
    /// `values` do not fit what the approval declares; one problem per field, in key order.
    case invalidValues([ApprovalValueProblem])
    /// Approvers are declared and the decider's identity is not among them.
    case notAnApprover(ApprovalRecord)

    public var description: String {
        switch self {
        case .decided(let row): "approval \(row.id) \(row.status.rawValue) by \(row.decidedBy ?? "unknown")"
        case .notFound: "no such approval"
        case .conflict(let row, .alreadyDecided):
            "approval \(row.id) was already \(row.status.rawValue)"
                + (row.decidedBy.map { " by \($0)" } ?? "") + (row.decidedAt.map { " at \($0.iso8601)" } ?? "")
        case .conflict(let row, .expired):
            "approval \(row.id) expired" + (row.expiresAt.map { " at \($0.iso8601)" } ?? "")
        case .conflict(let row, .cancelled): "approval \(row.id) was cancelled (the instance left it)"
        case .invalidValues(let problems): problems.map(\.description).joined(separator: "; ")
        case .notAnApprover(let row): "not among the approvers of approval \(row.id)"
        }
    }
}

/// One value a decision gives that the approval does not allow.
public struct ApprovalValueProblem: Sendable, Hashable, CustomStringConvertible {
    /// `values` or `values.<key>`.
    public var field: String
    public var message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { "\(field): \(message)" }
}
