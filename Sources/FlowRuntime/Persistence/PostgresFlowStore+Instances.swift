public import FlowEngine
import PostgresNIO

/// Instances, claiming, transitions and history on PostgreSQL.
extension PostgresFlowStore {
    /// The instance columns in `InstanceRecord` order; JSON documents read back as their exact text.
    static let instanceColumns = """
        id, flow, definition_hash, agency_id, status, state::text AS state, settings::text AS settings, wake_at, \
        idempotency_key, lease_owner, lease_until, created_at, updated_at
        """

    public func createInstance(_ instance: InstanceRecord, history: [HistoryEntry]) async throws -> CreateInstanceResult {
        try await transaction { connection in
            let inserted = try await connection.query(
                """
                INSERT INTO flow_instances (id, flow, definition_hash, agency_id, status, state, settings, wake_at,
                    idempotency_key, lease_owner, lease_until, created_at, updated_at)
                VALUES (\(instance.id), \(instance.flow), \(instance.definitionHash), \(instance.agencyID),
                    \(instance.status.rawValue), \(instance.state)::json, \(instance.settings)::json,
                    \(instance.wakeAt.postgres), \(instance.idempotencyKey), \(instance.leaseOwner),
                    \(instance.leaseUntil.postgres), \(instance.createdAt.postgres), \(instance.updatedAt.postgres))
                ON CONFLICT DO NOTHING RETURNING id
                """,
                logger: logger
            ).collect()
            if inserted.isEmpty {
                guard let key = instance.idempotencyKey,
                      let existing = try await connection.query(
                          "SELECT \(unescaped: Self.instanceColumns) FROM flow_instances WHERE idempotency_key = \(key)",
                          logger: logger
                      ).collect().first
                else {
                    throw StoreError(.conflict, "instance '\(instance.id)' already exists")
                }
                return .existing(try Self.instanceRecord(existing))
            }
            try await appendHistory(connection, instanceID: instance.id, history)
            return .created(instance)
        }
    }

    public func instance(id: String) async throws -> InstanceRecord? {
        try await rows("SELECT \(unescaped: Self.instanceColumns) FROM flow_instances WHERE id = \(id)")
            .first.map(Self.instanceRecord)
    }

    public func instances(matching filter: InstanceFilter) async throws -> [InstanceRecord] {
        try await rows(
            """
            SELECT \(unescaped: Self.instanceColumns) FROM flow_instances
            WHERE (\(filter.flow)::text IS NULL OR flow = \(filter.flow))
              AND (\(filter.agencyID)::text IS NULL OR agency_id = \(filter.agencyID))
              AND (\(filter.status?.rawValue)::text IS NULL OR status = \(filter.status?.rawValue))
            ORDER BY created_at, id LIMIT \(max(0, filter.limit))
            """
        ).map(Self.instanceRecord)
    }

    public func instanceCounts(flow: String?) async throws -> [InstanceStatus: Int] {
        var counts: [InstanceStatus: Int] = [:]
        for row in try await rows(
            """
            SELECT status, COUNT(*)::bigint FROM flow_instances
            WHERE (\(flow)::text IS NULL OR flow = \(flow)) GROUP BY status
            """
        ) {
            let (status, n) = try row.decode((String, Int64).self)
            if let known = InstanceStatus(rawValue: status) { counts[known] = Int(n) }
        }
        return counts
    }

    public func claimDue(now: Instant, owner: String, leaseFor: TimeSpan, limit: Int) async throws -> [InstanceRecord] {
        guard limit > 0 else { return [] }
        return try await rows(
            """
            UPDATE flow_instances SET lease_owner = \(owner), lease_until = \((now + leaseFor).postgres)
            WHERE id IN (
                SELECT i.id FROM flow_instances i
                WHERE i.status IN ('running', 'waiting')
                  AND (i.lease_until IS NULL OR i.lease_until < \(now.postgres))
                  AND (i.wake_at <= \(now.postgres) OR EXISTS (
                      SELECT 1 FROM instance_inbox b WHERE b.instance_id = i.id AND b.consumed_at IS NULL))
                ORDER BY i.wake_at NULLS FIRST, i.id
                LIMIT \(limit)
                FOR UPDATE SKIP LOCKED)
            RETURNING \(unescaped: Self.instanceColumns)
            """
        ).map(Self.instanceRecord)
    }

    public func commit(_ transition: TransitionRecord, owner: String) async throws {
        try await transaction { connection in
            let newOwner: String? = transition.keepLeaseUntil == nil ? nil : owner
            let updated = try await connection.query(
                """
                UPDATE flow_instances
                SET state = \(transition.state)::json, status = \(transition.status.rawValue),
                    wake_at = \(transition.wakeAt.postgres), updated_at = \(transition.at.postgres),
                    lease_owner = \(newOwner), lease_until = \(transition.keepLeaseUntil.postgres)
                WHERE id = \(transition.instanceID) AND lease_owner = \(owner)
                RETURNING id
                """,
                logger: logger
            ).collect()
            guard !updated.isEmpty else {
                let holder = try await connection.query(
                    "SELECT lease_owner FROM flow_instances WHERE id = \(transition.instanceID)", logger: logger
                ).collect().first
                guard let holder else {
                    throw StoreError(.notFound, "instance '\(transition.instanceID)' does not exist")
                }
                let name = try holder.decode(String?.self).map { "'\($0)'" } ?? "nobody"
                throw StoreError(
                    .leaseLost, "'\(owner)' no longer holds the lease on '\(transition.instanceID)' (held by \(name))"
                )
            }
            try await appendHistory(connection, instanceID: transition.instanceID, transition.history)
            if !transition.consumedEvents.isEmpty {
                try await connection.query(
                    """
                    UPDATE instance_inbox SET consumed_at = \(transition.at.postgres)
                    WHERE instance_id = \(transition.instanceID) AND id = ANY(\(transition.consumedEvents))
                      AND consumed_at IS NULL
                    """,
                    logger: logger
                )
            }
        }
    }

    public func history(instanceID: String, after sequence: Int64) async throws -> [HistoryEntry] {
        try await rows(
            """
            SELECT seq, at, kind, details::text AS details FROM instance_events
            WHERE instance_id = \(instanceID) AND seq > \(sequence) ORDER BY seq
            """
        ).map { row in
            let r = row.makeRandomAccess()
            return HistoryEntry(
                sequence: try r["seq"].decode(Int64.self), at: try r["at"].decode(PostgresInstant.self).instant,
                kind: try r["kind"].decode(String.self),
                details: try StoreCoding.value(try r["details"].decode(String.self), column: "details")
            )
        }
    }

    /// Appends entries with the next sequence numbers; the caller holds the instance row lock.
    func appendHistory(_ connection: PostgresConnection, instanceID: String, _ entries: [HistoryEntry]) async throws {
        guard !entries.isEmpty else { return }
        var last: Int64 = 0
        for try await value in try await connection.query(
            "SELECT COALESCE(MAX(seq), 0)::bigint FROM instance_events WHERE instance_id = \(instanceID)", logger: logger
        ).decode(Int64.self) {
            last = value
        }
        for (offset, entry) in entries.enumerated() {
            try await connection.query(
                """
                INSERT INTO instance_events (instance_id, seq, at, kind, details)
                VALUES (\(instanceID), \(last + Int64(offset) + 1), \(entry.at.postgres), \(entry.kind),
                        \(try StoreCoding.json(entry.details))::jsonb)
                """,
                logger: logger
            )
        }
    }

    static func instanceRecord(_ row: PostgresRow) throws -> InstanceRecord {
        let r = row.makeRandomAccess()
        return InstanceRecord(
            id: try r["id"].decode(String.self), flow: try r["flow"].decode(String.self),
            definitionHash: try r["definition_hash"].decode(String.self),
            agencyID: try r["agency_id"].decode(String?.self),
            status: try StoreCoding.status(try r["status"].decode(String.self)),
            state: try r["state"].decode(String.self), settings: try r["settings"].decode(String.self),
            wakeAt: try r["wake_at"].decode(PostgresInstant?.self)?.instant,
            idempotencyKey: try r["idempotency_key"].decode(String?.self),
            leaseOwner: try r["lease_owner"].decode(String?.self),
            leaseUntil: try r["lease_until"].decode(PostgresInstant?.self)?.instant,
            createdAt: try r["created_at"].decode(PostgresInstant.self).instant,
            updatedAt: try r["updated_at"].decode(PostgresInstant.self).instant
        )
    }
}
