public import FlowEngine

extension ApprovalRecord {
    /// The approval as JSON (`flowctl approvals … --format json`; the shape routes answer with):
    /// `id`, `approval`, `instance_id`, `agency`, `flow`, `state`, `kind`, `request`, `approvers`,
    /// `expires_at`, `requested_at`, `status`, and `decided_by`, `decided_at`, `notes`, `values` (null until decided).
    public var json: Value {
        .object([
            "id": .string(id), "approval": .string(approvalID), "instance_id": .string(instanceID),
            "agency": agencyID.map(Value.string) ?? .null, "flow": .string(flow), "state": .string(state),
            "kind": kind.map(Value.string) ?? .null, "request": request, "approvers": approvers,
            "expires_at": expiresAt.map(Value.instant) ?? .null, "requested_at": .instant(requestedAt),
            "status": .string(status.rawValue), "decided_by": decidedBy.map(Value.string) ?? .null,
            "decided_at": decidedAt.map(Value.instant) ?? .null, "notes": notes.map(Value.string) ?? .null,
            "values": values ?? .null,
        ])
    }
}
