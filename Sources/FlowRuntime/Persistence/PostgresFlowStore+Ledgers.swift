public import FlowEngine
import PostgresNIO

/// Inbox, effect ledger, and schedule fires on PostgreSQL.
extension PostgresFlowStore {
    // MARK: Inbox

    public func deliver(_ event: InboxEvent) async throws {
        let inserted = try await rows(Self.insertInboxEvent(event))
        if inserted.isEmpty, try await instance(id: event.instanceID) == nil {
            throw StoreError(.notFound, "instance '\(event.instanceID)' does not exist")
        }
    }

    /// Inserts `event` unless its dedup key was delivered before (or its instance does not exist);
    /// a row per inserted event. Every daemon listening on `flow_wake` (`PostgresWakeListener`) wakes
    /// its worker at the commit.
    static func insertInboxEvent(_ event: InboxEvent) throws -> PostgresQuery {
        let payload = try StoreCoding.json(event.payload)
        return """
            WITH delivered AS (
                INSERT INTO instance_inbox (instance_id, kind, payload, dedup_key, at)
                SELECT i.id, \(event.kind), \(payload)::jsonb, \(event.dedupKey), \(event.at.postgres)
                FROM flow_instances i WHERE i.id = \(event.instanceID)
                ON CONFLICT (dedup_key) DO NOTHING
                RETURNING id, instance_id
            )
            SELECT id, pg_notify(\(PostgresWakeListener.channel), instance_id) FROM delivered
            """
    }

    public func inbox(instanceID: String) async throws -> [InboxEvent] {
        try await rows(
            """
            SELECT id, instance_id, kind, payload::text AS payload, dedup_key, at FROM instance_inbox
            WHERE instance_id = \(instanceID) AND consumed_at IS NULL ORDER BY id
            """
        ).map { row in
            let r = row.makeRandomAccess()
            return InboxEvent(
                id: try r["id"].decode(Int64.self), instanceID: try r["instance_id"].decode(String.self),
                kind: try r["kind"].decode(String.self),
                payload: try StoreCoding.value(try r["payload"].decode(String.self), column: "payload"),
                dedupKey: try r["dedup_key"].decode(String?.self), at: try r["at"].decode(PostgresInstant.self).instant
            )
        }
    }

    // MARK: Effect ledger

    static let effectColumns = """
        key, instance_id, step, status, request::text AS request, result::text AS result, provider_id, \
        started_at, completed_at
        """

    /// Begins that arrive together are written together (`PostgresFlowStore+LedgerBatches.swift`);
    /// alone, `beginEffectAlone`.
    public func beginEffect(_ effect: EffectRecord) async throws -> EffectBeginResult {
        guard groupsStatements else { return try await beginEffectAlone(effect) }
        return try await batched(effect, as: "effect.begin") { [self] batch in await beginEffects(batch) }
    }

    /// One statement in the common case: the insert, or (begun before) the earlier row marked in
    /// doubt, in one round trip. Only when a concurrent begin of the same key committed after the
    /// statement's snapshot (neither visible to it) does it read again in a transaction.
    func beginEffectAlone(_ effect: EffectRecord) async throws -> EffectBeginResult {
        let request = try StoreCoding.json(effect.request)
        let row = try await rows(
            """
            WITH inserted AS (
                INSERT INTO effects (key, instance_id, step, status, request, started_at)
                VALUES (\(effect.key), \(effect.instanceID), \(effect.step), 'pending', \(request)::jsonb,
                        \(effect.startedAt.postgres))
                ON CONFLICT (key) DO NOTHING RETURNING key
            ), earlier AS (
                UPDATE effects SET status = CASE status WHEN 'pending' THEN 'in_doubt' ELSE status END
                WHERE key = \(effect.key) AND NOT EXISTS (SELECT 1 FROM inserted)
                RETURNING \(unescaped: Self.effectColumns)
            )
            SELECT (SELECT COUNT(*) FROM inserted)::int AS inserted, earlier.*
            FROM (SELECT 1) AS one LEFT JOIN earlier ON true
            """
        ).first
        guard let row else { throw StoreError(.corrupt, "effect '\(effect.key)': the begin returned no row") }
        if try row.makeRandomAccess()["inserted"].decode(Int.self) == 1 { return .started }
        if try row.makeRandomAccess()["key"].decode(String?.self) != nil {
            return StoreCoding.beginResult(existing: try Self.effectRecord(row))
        }
        return try await beginEffectAgain(effect)
    }

    /// The begin in a transaction whose statements each see the latest commits.
    private func beginEffectAgain(_ effect: EffectRecord) async throws -> EffectBeginResult {
        let request = try StoreCoding.json(effect.request)
        return try await transaction { session in
            let inserted = try await session.query(
                """
                INSERT INTO effects (key, instance_id, step, status, request, started_at)
                VALUES (\(effect.key), \(effect.instanceID), \(effect.step), 'pending', \(request)::jsonb,
                        \(effect.startedAt.postgres))
                ON CONFLICT (key) DO NOTHING RETURNING key
                """
            )
            if !inserted.isEmpty { return .started }
            // Begun before: a pending one was begun by an earlier attempt that never completed.
            let existing = try await session.query(
                """
                UPDATE effects SET status = CASE status WHEN 'pending' THEN 'in_doubt' ELSE status END
                WHERE key = \(effect.key) RETURNING \(unescaped: Self.effectColumns)
                """
            )
            guard let row = existing.first else { throw StoreError(.corrupt, "effect '\(effect.key)' vanished") }
            return StoreCoding.beginResult(existing: try Self.effectRecord(row))
        }
    }

    /// Completions that arrive together are written together (`PostgresFlowStore+LedgerBatches.swift`);
    /// alone, `completeEffectAlone`.
    public func completeEffect(key: String, status: EffectRecord.Status, result: Value?, providerID: String?) async throws {
        let completion = EffectCompletion(
            key: key, status: status, result: result, providerID: providerID,
            completedAt: status == .pending ? nil : StoreCoding.wallClock())
        guard groupsStatements else { return try await completeEffectAlone(completion) }
        try await batched(completion, as: "effect.complete") { [self] batch in await completeEffects(batch) }
    }

    func completeEffectAlone(_ completion: EffectCompletion) async throws {
        let (key, status, providerID, completedAt) =
            (completion.key, completion.status, completion.providerID, completion.completedAt)
        let resultJSON = try StoreCoding.json(completion.result)
        let updated = try await rows(
            """
            UPDATE effects SET status = \(status.rawValue), result = \(resultJSON)::jsonb, provider_id = \(providerID),
                completed_at = \(completedAt.postgres)
            WHERE key = \(key) RETURNING key
            """
        )
        guard !updated.isEmpty else { throw StoreError(.notFound, "no effect with key '\(key)'") }
    }

    public func effectsInDoubt(olderThan: Instant) async throws -> [EffectRecord] {
        try await transaction { session in
            try await session.query(
                "UPDATE effects SET status = 'in_doubt' WHERE status = 'pending' AND started_at < \(olderThan.postgres)"
            )
            return try await session.query(
                """
                SELECT \(unescaped: Self.effectColumns) FROM effects
                WHERE status = 'in_doubt' AND started_at < \(olderThan.postgres) ORDER BY started_at, key
                """
            ).map(Self.effectRecord)
        }
    }

    static func effectRecord(_ row: PostgresRow) throws -> EffectRecord {
        let r = row.makeRandomAccess()
        return EffectRecord(
            key: try r["key"].decode(String.self), instanceID: try r["instance_id"].decode(String.self),
            step: try r["step"].decode(String.self),
            status: try StoreCoding.effectStatus(try r["status"].decode(String.self)),
            request: try StoreCoding.value(try r["request"].decode(String.self), column: "request"),
            result: try r["result"].decode(String?.self).map { try StoreCoding.value($0, column: "result") },
            providerID: try r["provider_id"].decode(String?.self),
            startedAt: try r["started_at"].decode(PostgresInstant.self).instant,
            completedAt: try r["completed_at"].decode(PostgresInstant?.self)?.instant
        )
    }

    // MARK: Schedules

    public func claimScheduleFire(flow: String, trigger: Int, fireAt: Instant) async throws -> Bool {
        !(try await rows(
            """
            INSERT INTO schedule_fires (flow, trigger_index, fire_at) VALUES (\(flow), \(trigger), \(fireAt.postgres))
            ON CONFLICT DO NOTHING RETURNING flow
            """
        )).isEmpty
    }

    public func lastScheduleFire(flow: String, trigger: Int) async throws -> Instant? {
        try await rows(
            "SELECT MAX(fire_at) AS last FROM schedule_fires WHERE flow = \(flow) AND trigger_index = \(trigger)"
        ).first.flatMap { try $0.decode(PostgresInstant?.self)?.instant }
    }

    public func scheduleFires(flow: String, trigger: Int, since: Instant) async throws -> [Instant] {
        try await rows(
            """
            SELECT fire_at FROM schedule_fires
            WHERE flow = \(flow) AND trigger_index = \(trigger) AND fire_at >= \(since.postgres)
            ORDER BY fire_at
            """
        ).map { try $0.decode(PostgresInstant.self).instant }
    }
}
