public import FlowEngine
import SQLiteNIO

/// Inbox, effect ledger, and schedule fires on SQLite.
extension SQLiteFlowStore {
    // MARK: Inbox

    public func deliver(_ event: InboxEvent) async throws {
        try await write { _ in
            guard try await fetchInstance("id = ?", [.text(event.instanceID)]) != nil else {
                throw StoreError(.notFound, "instance '\(event.instanceID)' does not exist")
            }
            try await insertInboxEvent(event)
        }
    }

    /// Inserts `event` unless its dedup key was delivered before; inside a `write`.
    func insertInboxEvent(_ event: InboxEvent) async throws {
        try await exec(
            """
            INSERT INTO instance_inbox (instance_id, kind, payload, dedup_key, at) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (dedup_key) DO NOTHING
            """,
            [.text(event.instanceID), .text(event.kind), .text(try StoreCoding.json(event.payload)),
             .optional(event.dedupKey), .instant(event.at)]
        )
    }

    public func inbox(instanceID: String) async throws -> [InboxEvent] {
        try await read { _ in
            try await exec(
                """
                SELECT id, instance_id, kind, payload, dedup_key, at FROM instance_inbox
                WHERE instance_id = ? AND consumed_at IS NULL ORDER BY id
                """,
                [.text(instanceID)]
            ).map { row in
                let r = SQLiteRowReader(row)
                return InboxEvent(
                    id: try r.int("id"), instanceID: try r.string("instance_id"), kind: try r.string("kind"),
                    payload: try r.value("payload"), dedupKey: try r.optionalString("dedup_key"), at: try r.instant("at")
                )
            }
        }
    }

    // MARK: Effect ledger

    static let effectColumns = "key, instance_id, step, status, request, result, provider_id, started_at, completed_at"

    public func beginEffect(_ effect: EffectRecord) async throws -> EffectBeginResult {
        try await write { _ in
            let inserted = try await exec(
                """
                INSERT INTO effects (key, instance_id, step, status, request, started_at) VALUES (?, ?, ?, 'pending', ?, ?)
                ON CONFLICT (key) DO NOTHING RETURNING key
                """,
                [.text(effect.key), .text(effect.instanceID), .text(effect.step),
                 .text(try StoreCoding.json(effect.request)), .instant(effect.startedAt)]
            )
            if !inserted.isEmpty { return .started }
            // Begun before: a pending one was begun by an earlier attempt that never completed.
            let rows = try await exec(
                """
                UPDATE effects SET status = CASE status WHEN 'pending' THEN 'in_doubt' ELSE status END
                WHERE key = ? RETURNING \(Self.effectColumns)
                """,
                [.text(effect.key)]
            )
            guard let row = rows.first else { throw StoreError(.corrupt, "effect '\(effect.key)' vanished") }
            return StoreCoding.beginResult(existing: try Self.effectRecord(row))
        }
    }

    public func completeEffect(key: String, status: EffectRecord.Status, result: Value?, providerID: String?) async throws {
        try await write { _ in
            let updated = try await exec(
                "UPDATE effects SET status = ?, result = ?, provider_id = ?, completed_at = ? WHERE key = ? RETURNING key",
                [.text(status.rawValue), .optional(try StoreCoding.json(result)), .optional(providerID),
                 .instant(status == .pending ? nil : StoreCoding.wallClock()), .text(key)]
            )
            guard !updated.isEmpty else { throw StoreError(.notFound, "no effect with key '\(key)'") }
        }
    }

    public func effectsInDoubt(olderThan: Instant) async throws -> [EffectRecord] {
        try await write { _ in
            try await exec(
                "UPDATE effects SET status = 'in_doubt' WHERE status = 'pending' AND started_at < ?",
                [.instant(olderThan)]
            )
            return try await exec(
                """
                SELECT \(Self.effectColumns) FROM effects
                WHERE status = 'in_doubt' AND started_at < ? ORDER BY started_at, key
                """,
                [.instant(olderThan)]
            ).map(Self.effectRecord)
        }
    }

    static func effectRecord(_ row: SQLiteRow) throws -> EffectRecord {
        let r = SQLiteRowReader(row)
        return EffectRecord(
            key: try r.string("key"), instanceID: try r.string("instance_id"), step: try r.string("step"),
            status: try StoreCoding.effectStatus(try r.string("status")), request: try r.value("request"),
            result: try r.optionalValue("result"), providerID: try r.optionalString("provider_id"),
            startedAt: try r.instant("started_at"), completedAt: try r.optionalInstant("completed_at")
        )
    }

    // MARK: Schedules

    public func claimScheduleFire(flow: String, trigger: Int, fireAt: Instant) async throws -> Bool {
        try await write { _ in
            !(try await exec(
                """
                INSERT INTO schedule_fires (flow, trigger_index, fire_at, claimed_at) VALUES (?, ?, ?, ?)
                ON CONFLICT DO NOTHING RETURNING flow
                """,
                [.text(flow), .integer(trigger), .instant(fireAt), .instant(StoreCoding.wallClock())]
            )).isEmpty
        }
    }

    public func lastScheduleFire(flow: String, trigger: Int) async throws -> Instant? {
        try await read { _ in
            try await exec(
                "SELECT MAX(fire_at) AS last FROM schedule_fires WHERE flow = ? AND trigger_index = ?",
                [.text(flow), .integer(trigger)]
            ).first.flatMap { try SQLiteRowReader($0).optionalInstant("last") }
        }
    }

    public func scheduleFires(flow: String, trigger: Int, since: Instant) async throws -> [Instant] {
        try await read { _ in
            try await exec(
                """
                SELECT fire_at FROM schedule_fires WHERE flow = ? AND trigger_index = ? AND fire_at >= ?
                ORDER BY fire_at
                """,
                [.text(flow), .integer(trigger), .instant(since)]
            ).map { try SQLiteRowReader($0).instant("fire_at") }
        }
    }
}
