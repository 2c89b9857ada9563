public import FlowEngine

/// One approval an instance asked people for (`approvals` table): the request as the flow
/// declared it (evaluated), who may decide, until when, and, once decided, the decision.
public struct ApprovalRecord: Sendable, Hashable {
    /// Where a row is in its life: `pending` until a person decides (`approved`, `rejected`), the
    /// instance's own timer ends it (`expired`) or the instance leaves the approval otherwise
    /// (`cancelled`: the instance was cancelled, failed or ended). Only `pending` rows can be decided.
    public enum Status: String, Sendable, Hashable, CaseIterable {
        case pending, approved, rejected, expired, cancelled
    }

    /// Unique across instances: `ApprovalRecord.id(instanceID:approvalID:)` (`<instance>:a1`).
    public var id: String
    /// The interpreter's id (`<instance>/a1`, …): what the decision's inbox event names.
    public var approvalID: String
    public var instanceID: String
    public var agencyID: String?
    public var flow: String
    /// The approval state's name.
    public var state: String
    /// The request's `kind` (e.g. `budget_override`, `booking`), when it has one.
    public var kind: String?
    /// The request as declared, evaluated when the state was entered.
    public var request: Value
    /// The evaluated `approvers` (null when none are declared).
    public var approvers: Value
    public var expiresAt: Instant?
    public var requestedAt: Instant
    public var status: Status
    public var decidedBy: String?
    /// When it was decided, expired or cancelled.
    public var decidedAt: Instant?
    public var notes: String?
    public var values: Value?

    public init(
        id: String, approvalID: String, instanceID: String, agencyID: String?, flow: String, state: String,
        kind: String?, request: Value, approvers: Value, expiresAt: Instant?, requestedAt: Instant,
        status: Status = .pending, decidedBy: String? = nil, decidedAt: Instant? = nil, notes: String? = nil,
        values: Value? = nil
    ) {
        self.id = id
        self.approvalID = approvalID
        self.instanceID = instanceID
        self.agencyID = agencyID
        self.flow = flow
        self.state = state
        self.kind = kind
        self.request = request
        self.approvers = approvers
        self.expiresAt = expiresAt
        self.requestedAt = requestedAt
        self.status = status
        self.decidedBy = decidedBy
        self.decidedAt = decidedAt
        self.notes = notes
        self.values = values
    }

    /// The row id of approval `approvalID` of instance `instanceID`: `<instance>:a<n>` for the
    /// interpreter's `<instance>/a<n>` (no `/`, so it fits one URL path segment).
    public static func id(instanceID: String, approvalID: String) -> String {
        let prefix = instanceID + "/"
        let local = approvalID.hasPrefix(prefix) ? approvalID.dropFirst(prefix.count) : approvalID[...]
        return "\(instanceID):\(local)"
    }

    /// Whether a person may still decide it at `now`: pending and not past its expiry.
    public func isOpen(at now: Instant) -> Bool {
        status == .pending && (expiresAt.map { now < $0 } ?? true)
    }
}

/// A person's decision on an approval, as the store persists it.
public struct ApprovalVerdict: Sendable, Hashable {
    /// `approved` or `rejected`.
    public var status: ApprovalRecord.Status
    public var by: String?
    public var at: Instant
    public var notes: String?
    public var values: Value?

    public init(approve: Bool, by: String?, at: Instant, notes: String? = nil, values: Value? = nil) {
        self.status = approve ? .approved : .rejected
        self.by = by
        self.at = at
        self.notes = notes
        self.values = values
    }
}

extension ApprovalRecord {
    /// The row once `verdict` is applied (what every store writes when it decides).
    public func decided(by verdict: ApprovalVerdict) -> ApprovalRecord {
        var row = self
        row.status = verdict.status
        row.decidedBy = verdict.by
        row.decidedAt = verdict.at
        row.notes = verdict.notes
        row.values = verdict.values
        return row
    }
}

/// What deciding an approval did: exactly one of concurrent deciders gets `decided`.
public enum ApprovalDecideResult: Sendable, Hashable {
    /// The row was pending and open; it now holds the verdict.
    case decided(ApprovalRecord)
    /// Someone decided it before (approved or rejected); the row as it is.
    case alreadyDecided(ApprovalRecord)
    /// Past its expiry (still `pending` until the instance's timer ends it) or `expired`.
    case expired(ApprovalRecord)
    /// The instance left the approval otherwise (cancelled, failed).
    case cancelled(ApprovalRecord)
    case notFound
}

/// Which approvals to list, oldest request first, a page at a time.
public struct ApprovalFilter: Sendable, Hashable {
    /// Nil lists every agency's (admins).
    public var agencyID: String?
    /// Nil lists every status.
    public var status: ApprovalRecord.Status?
    public var instanceID: String?
    /// The `id` of the last approval of the previous page.
    public var after: String?
    public var limit: Int

    public init(
        agencyID: String? = nil, status: ApprovalRecord.Status? = .pending, instanceID: String? = nil,
        after: String? = nil, limit: Int = 100
    ) {
        self.agencyID = agencyID
        self.status = status
        self.instanceID = instanceID
        self.after = after
        self.limit = limit
    }
}

extension ApprovalDecideResult {
    /// Why a row that did not take a verdict at `now` refused it (every store classifies alike).
    package static func refused(_ existing: ApprovalRecord?, at now: Instant) -> ApprovalDecideResult {
        guard let existing else { return .notFound }
        switch existing.status {
        case .approved, .rejected: return .alreadyDecided(existing)
        case .cancelled: return .cancelled(existing)
        case .expired, .pending: return .expired(existing)
        }
    }
}
