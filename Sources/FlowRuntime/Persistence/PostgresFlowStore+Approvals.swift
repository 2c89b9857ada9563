public import FlowEngine
import PostgresNIO

/// Approvals on PostgreSQL. A decision is one guarded `UPDATE … WHERE status = 'pending'`: a
/// concurrent decider waits for the row lock, re-reads the row and updates nothing.
extension PostgresFlowStore {
    static let approvalColumns = """
        id, approval_id, instance_id, agency_id, flow, state, kind, request::text AS request, \
        approvers::text AS approvers, expires_at, requested_at, status, decided_by, decided_at, notes, \
        decision_values::text AS decision_values
        """

    public func recordApproval(_ approval: ApprovalRecord) async throws {
        let request = try StoreCoding.json(approval.request)
        let approvers = try StoreCoding.json(approval.approvers)
        _ = try await rows(
            """
            INSERT INTO approvals (id, approval_id, instance_id, agency_id, flow, state, kind, request, approvers,
                                   expires_at, requested_at, status)
            VALUES (\(approval.id), \(approval.approvalID), \(approval.instanceID), \(approval.agencyID),
                    \(approval.flow), \(approval.state), \(approval.kind), \(request)::jsonb, \(approvers)::jsonb,
                    \(approval.expiresAt.postgres), \(approval.requestedAt.postgres), 'pending')
            ON CONFLICT (id) DO UPDATE SET state = excluded.state, kind = excluded.kind, request = excluded.request,
                approvers = excluded.approvers, expires_at = excluded.expires_at, requested_at = excluded.requested_at
            WHERE approvals.status = 'pending'
            """
        )
    }

    public func approval(id: String) async throws -> ApprovalRecord? {
        try await rows("SELECT \(unescaped: Self.approvalColumns) FROM approvals WHERE id = \(id)")
            .first.map(Self.approvalRecord)
    }

    public func approvals(matching filter: ApprovalFilter) async throws -> [ApprovalRecord] {
        let status = filter.status?.rawValue
        return try await rows(
            """
            SELECT \(unescaped: Self.approvalColumns) FROM approvals
            WHERE (\(filter.agencyID)::text IS NULL OR agency_id = \(filter.agencyID))
              AND (\(status)::text IS NULL OR status = \(status))
              AND (\(filter.instanceID)::text IS NULL OR instance_id = \(filter.instanceID))
              AND (\(filter.after)::text IS NULL
                   OR (requested_at, id) > (SELECT requested_at, id FROM approvals WHERE id = \(filter.after)))
            ORDER BY requested_at, id LIMIT \(max(0, filter.limit))
            """
        ).map(Self.approvalRecord)
    }

    public func decideApproval(id: String, _ verdict: ApprovalVerdict, delivering event: InboxEvent?) async throws
        -> ApprovalDecideResult
    {
        let values = try StoreCoding.json(verdict.values)
        let delivery = try event.map(Self.insertInboxEvent)
        return try await transaction { session in
            let updated = try await session.query(
                """
                UPDATE approvals SET status = \(verdict.status.rawValue), decided_by = \(verdict.by),
                    decided_at = \(verdict.at.postgres), notes = \(verdict.notes), decision_values = \(values)::jsonb
                WHERE id = \(id) AND status = 'pending' AND (expires_at IS NULL OR expires_at > \(verdict.at.postgres))
                RETURNING \(unescaped: Self.approvalColumns)
                """
            )
            if let row = updated.first {
                if let delivery { _ = try await session.query(delivery) }
                return .decided(try Self.approvalRecord(row))
            }
            let existing = try await session.query(
                "SELECT \(unescaped: Self.approvalColumns) FROM approvals WHERE id = \(id)"
            ).first.map(Self.approvalRecord)
            return .refused(existing, at: verdict.at)
        }
    }

    @discardableResult
    public func closeApprovals(
        instanceID: String, approvalID: String?, as status: ApprovalRecord.Status, at: Instant
    ) async throws -> Int {
        try await rows(
            """
            UPDATE approvals SET status = \(status.rawValue), decided_at = \(at.postgres)
            WHERE instance_id = \(instanceID) AND status = 'pending'
              AND (\(approvalID)::text IS NULL OR approval_id = \(approvalID))
            RETURNING id
            """
        ).count
    }

    public func approvalLinkSecret(proposing proposed: String) async throws -> String {
        // Daemons starting together: the first insert wins, every one reads the winner.
        _ = try await rows(
            "INSERT INTO runtime_secrets (name, value) VALUES ('approval_link', \(proposed)) ON CONFLICT (name) DO NOTHING")
        guard let row = try await rows("SELECT value FROM runtime_secrets WHERE name = 'approval_link'").first else {
            throw StoreError(.corrupt, "runtime_secrets has no approval_link row")
        }
        return try row.makeRandomAccess()["value"].decode(String.self)
    }

    static func approvalRecord(_ row: PostgresRow) throws -> ApprovalRecord {
        let r = row.makeRandomAccess()
        let raw = try r["status"].decode(String.self)
        guard let status = ApprovalRecord.Status(rawValue: raw) else {
            throw StoreError(.corrupt, "unknown approval status '\(raw)'")
        }
        return ApprovalRecord(
            id: try r["id"].decode(String.self), approvalID: try r["approval_id"].decode(String.self),
            instanceID: try r["instance_id"].decode(String.self), agencyID: try r["agency_id"].decode(String?.self),
            flow: try r["flow"].decode(String.self), state: try r["state"].decode(String.self),
            kind: try r["kind"].decode(String?.self),
            request: try StoreCoding.value(try r["request"].decode(String.self), column: "request"),
            approvers: try StoreCoding.value(try r["approvers"].decode(String.self), column: "approvers"),
            expiresAt: try r["expires_at"].decode(PostgresInstant?.self)?.instant,
            requestedAt: try r["requested_at"].decode(PostgresInstant.self).instant, status: status,
            decidedBy: try r["decided_by"].decode(String?.self),
            decidedAt: try r["decided_at"].decode(PostgresInstant?.self)?.instant,
            notes: try r["notes"].decode(String?.self),
            values: try r["decision_values"].decode(String?.self).map {
                try StoreCoding.value($0, column: "decision_values")
            })
    }
}
