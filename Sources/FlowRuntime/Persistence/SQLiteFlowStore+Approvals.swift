public import FlowEngine
import SQLiteNIO

/// Approvals on SQLite (one writer at a time: a decision's guarded update is atomic).
extension SQLiteFlowStore {
    static let approvalColumns = """
        id, approval_id, instance_id, agency_id, flow, state, kind, request, approvers, expires_at, requested_at, \
        status, decided_by, decided_at, notes, decision_values
        """

    public func recordApproval(_ approval: ApprovalRecord) async throws {
        try await write { _ in
            try await exec(
                """
                INSERT INTO approvals (\(Self.approvalColumns))
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', NULL, NULL, NULL, NULL)
                ON CONFLICT (id) DO UPDATE SET state = excluded.state, kind = excluded.kind,
                    request = excluded.request, approvers = excluded.approvers, expires_at = excluded.expires_at,
                    requested_at = excluded.requested_at
                WHERE approvals.status = 'pending'
                """,
                [.text(approval.id), .text(approval.approvalID), .text(approval.instanceID),
                 .optional(approval.agencyID),
                 .text(approval.flow), .text(approval.state), .optional(approval.kind),
                 .text(try StoreCoding.json(approval.request)), .text(try StoreCoding.json(approval.approvers)),
                 .instant(approval.expiresAt), .instant(approval.requestedAt)]
            )
        }
    }

    public func approval(id: String) async throws -> ApprovalRecord? {
        try await read { _ in
            try await exec("SELECT \(Self.approvalColumns) FROM approvals WHERE id = ?", [.text(id)])
                .first.map(Self.approvalRecord)
        }
    }

    public func approvals(matching filter: ApprovalFilter) async throws -> [ApprovalRecord] {
        var conditions: [String] = []
        var binds: [SQLiteData] = []
        if let agency = filter.agencyID {
            conditions.append("agency_id = ?")
            binds.append(.text(agency))
        }
        if let status = filter.status {
            conditions.append("status = ?")
            binds.append(.text(status.rawValue))
        }
        if let instance = filter.instanceID {
            conditions.append("instance_id = ?")
            binds.append(.text(instance))
        }
        if let after = filter.after {
            conditions.append("(requested_at, id) > (SELECT requested_at, id FROM approvals WHERE id = ?)")
            binds.append(.text(after))
        }
        let clause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        binds.append(.integer(max(0, filter.limit)))
        return try await read { _ in
            try await exec(
                "SELECT \(Self.approvalColumns) FROM approvals \(clause) ORDER BY requested_at, id LIMIT ?", binds
            ).map(Self.approvalRecord)
        }
    }

    public func decideApproval(id: String, _ verdict: ApprovalVerdict, delivering event: InboxEvent?) async throws
        -> ApprovalDecideResult
    {
        try await write { _ in
            let updated = try await exec(
                """
                UPDATE approvals SET status = ?, decided_by = ?, decided_at = ?, notes = ?, decision_values = ?
                WHERE id = ? AND status = 'pending' AND (expires_at IS NULL OR expires_at > ?)
                RETURNING \(Self.approvalColumns)
                """,
                [.text(verdict.status.rawValue), .optional(verdict.by), .instant(verdict.at), .optional(verdict.notes),
                 .optional(try StoreCoding.json(verdict.values)), .text(id), .instant(verdict.at)]
            )
            if let row = updated.first {
                if let event { try await insertInboxEvent(event) }
                return .decided(try Self.approvalRecord(row))
            }
            let existing = try await exec("SELECT \(Self.approvalColumns) FROM approvals WHERE id = ?", [.text(id)])
                .first.map(Self.approvalRecord)
            return .refused(existing, at: verdict.at)
        }
    }

    @discardableResult
    public func closeApprovals(
        instanceID: String, approvalID: String?, as status: ApprovalRecord.Status, at: Instant
    ) async throws -> Int {
        try await write { _ in
            try await exec(
                """
                UPDATE approvals SET status = ?, decided_at = ?
                WHERE instance_id = ? AND status = 'pending' AND (? IS NULL OR approval_id = ?) RETURNING id
                """,
                [.text(status.rawValue), .instant(at), .text(instanceID), .optional(approvalID), .optional(approvalID)]
            ).count
        }
    }

    public func approvalLinkSecret(proposing proposed: String) async throws -> String {
        try await write { _ in
            try await exec("INSERT INTO runtime_secrets (name, value) VALUES ('approval_link', ?) ON CONFLICT (name) DO NOTHING",
                           [.text(proposed)])
            guard let row = try await exec("SELECT value FROM runtime_secrets WHERE name = 'approval_link'").first else {
                throw StoreError(.corrupt, "runtime_secrets has no approval_link row")
            }
            return try SQLiteRowReader(row).string("value")
        }
    }

    static func approvalRecord(_ row: SQLiteRow) throws -> ApprovalRecord {
        let r = SQLiteRowReader(row)
        let raw = try r.string("status")
        guard let status = ApprovalRecord.Status(rawValue: raw) else {
            throw StoreError(.corrupt, "unknown approval status '\(raw)'")
        }
        return ApprovalRecord(
            id: try r.string("id"), approvalID: try r.string("approval_id"), instanceID: try r.string("instance_id"),
            agencyID: try r.optionalString("agency_id"), flow: try r.string("flow"), state: try r.string("state"),
            kind: try r.optionalString("kind"), request: try r.value("request"), approvers: try r.value("approvers"),
            expiresAt: try r.optionalInstant("expires_at"), requestedAt: try r.instant("requested_at"), status: status,
            decidedBy: try r.optionalString("decided_by"), decidedAt: try r.optionalInstant("decided_at"),
            notes: try r.optionalString("notes"), values: try r.optionalValue("decision_values"))
    }
}
