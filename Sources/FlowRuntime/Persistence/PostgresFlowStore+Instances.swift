import FlowEngine
import PostgresNIO

/// Instances, claiming, transitions and history on PostgreSQL.
extension PostgresFlowStore {
    /// The instance columns in `InstanceRecord` order; JSON documents read back as their exact text.
    static let instanceColumns = """
        id, flow, definition_hash, agency_id, status, state::text AS state, settings::text AS settings, wake_at, \
        idempotency_key, lease_owner, lease_until, created_at, updated_at
        """

    /// Creations that arrive together are written together (`PostgresFlowStore+InstanceBatches.swift`);
    /// alone, `createInstanceAlone`.
    public func createInstance(_ instance: InstanceRecord, history: [HistoryEntry]) async throws -> CreateInstanceResult {
        guard groupsStatements else { return try await createInstanceAlone(NewInstance(record: instance, history: history)) }
        return try await batched(NewInstance(record: instance, history: history), as: "instance.create") { [self] batch in
            await createInstances(batch)
        }
    }

    /// One statement: the instance row and its first history entries (data-modifying CTEs); a
    /// second round trip only when the idempotency key was already used.
    func createInstanceAlone(_ new: NewInstance) async throws -> CreateInstanceResult {
        let (instance, history) = (new.record, new.history)
        let entries = try HistoryArrays(history)
        let inserted = try await rows(
            """
            WITH created AS (
                INSERT INTO flow_instances (id, flow, definition_hash, agency_id, status, state, settings, wake_at,
                    idempotency_key, lease_owner, lease_until, created_at, updated_at, last_seq)
                VALUES (\(instance.id), \(instance.flow), \(instance.definitionHash), \(instance.agencyID),
                    \(instance.status.rawValue), \(instance.state)::json, \(instance.settings)::json,
                    \(instance.wakeAt.postgres), \(instance.idempotencyKey), \(instance.leaseOwner),
                    \(instance.leaseUntil.postgres), \(instance.createdAt.postgres), \(instance.updatedAt.postgres),
                    \(entries.count))
                ON CONFLICT DO NOTHING RETURNING id
            ), appended AS (
                INSERT INTO instance_events (instance_id, seq, at, kind, details)
                SELECT created.id, h.n, \(unescaped: HistoryArrays.instantFromMilliseconds("h.ms")), h.kind, h.details::jsonb
                FROM created, unnest(\(entries.milliseconds)::int8[], \(entries.kinds)::text[],
                                     \(entries.details)::text[]) WITH ORDINALITY AS h(ms, kind, details, n)
            )
            SELECT id FROM created
            """
        )
        guard inserted.isEmpty else { return .created(instance) }
        guard let key = instance.idempotencyKey,
              let existing = try await rows(
                  "SELECT \(unescaped: Self.instanceColumns) FROM flow_instances WHERE idempotency_key = \(key)"
              ).first
        else {
            throw StoreError(.conflict, "instance '\(instance.id)' already exists")
        }
        return .existing(try Self.instanceRecord(existing))
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
              AND (\(filter.createdFrom.postgres)::timestamptz IS NULL OR created_at >= \(filter.createdFrom.postgres))
              AND (\(filter.createdBefore.postgres)::timestamptz IS NULL OR created_at < \(filter.createdBefore.postgres))
              AND (\(filter.after?.id)::text IS NULL
                   OR (created_at, id) > (\(filter.after?.createdAt.postgres)::timestamptz, \(filter.after?.id)::text))
            ORDER BY created_at, id LIMIT \(max(0, filter.limit))
            """
        ).map(Self.instanceRecord)
    }

    /// Many instances in one statement per 1,000 rows (bulk import, benchmarks), without history:
    /// the rows travel as one JSON array parameter expanded by `jsonb_to_recordset`. Rows whose id
    /// or idempotency key already exists are skipped. Returns how many were inserted.
    public func createInstances(_ instances: [InstanceRecord]) async throws -> Int {
        var inserted = 0
        var start = 0
        while start < instances.count {
            let chunk = instances[start..<min(instances.count, start + 1_000)]
            start += chunk.count
            let payload = try BulkInstanceRow.json(chunk)
            let result = try await rows(
                """
                INSERT INTO flow_instances (id, flow, definition_hash, agency_id, status, state, settings, wake_at,
                    idempotency_key, created_at, updated_at)
                SELECT r.id, r.flow, r.hash, r.agency, r.status, r.state::json, r.settings::json,
                    \(unescaped: HistoryArrays.instantFromMilliseconds("r.wake")), r.key,
                    \(unescaped: HistoryArrays.instantFromMilliseconds("r.created")),
                    \(unescaped: HistoryArrays.instantFromMilliseconds("r.updated"))
                FROM jsonb_to_recordset(\(payload)::jsonb) AS r(id text, flow text, hash text, agency text,
                    status text, state text, settings text, wake bigint, key text, created bigint, updated bigint)
                ON CONFLICT DO NOTHING
                RETURNING id
                """
            )
            inserted += result.count
        }
        return inserted
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

    /// Commits concurrent with others (several instances' workers) are grouped into one statement
    /// (`CommitBatching`, `PostgresFlowStore+GroupCommit.swift`); each keeps its own fence and outcome.
    public func commit(_ transition: TransitionRecord, owner: String) async throws {
        guard commitBatcher.batching.maxBatch > 1 else { return try await commitAlone(transition, owner: owner) }
        try await commitBatcher.submit(PendingCommit(transition: transition, owner: owner)) { [self] batch in
            await write(batch)
        }
    }

    /// One statement: the fenced update of the instance (which also advances `last_seq`), the
    /// history rows (`unnest` of arrays, numbered from the new `last_seq`) and the consumed inbox
    /// events, as data-modifying CTEs that all see the fence's outcome. When the fence fails the
    /// same round trip reports whether the instance exists and who holds it.
    func commitAlone(_ transition: TransitionRecord, owner: String) async throws {
        let entries = try HistoryArrays(transition.history)
        let newOwner: String? = transition.keepLeaseUntil == nil ? nil : owner
        let id = transition.instanceID
        let result = try await rows(
            """
            WITH moved AS (
                UPDATE flow_instances
                SET state = \(transition.state)::json, status = \(transition.status.rawValue),
                    wake_at = \(transition.wakeAt.postgres), updated_at = \(transition.at.postgres),
                    lease_owner = \(newOwner), lease_until = \(transition.keepLeaseUntil.postgres),
                    last_seq = last_seq + \(entries.count)
                WHERE id = \(id) AND lease_owner = \(owner)
                RETURNING last_seq - \(entries.count) AS base
            ), appended AS (
                INSERT INTO instance_events (instance_id, seq, at, kind, details)
                SELECT \(id), moved.base + h.n, \(unescaped: HistoryArrays.instantFromMilliseconds("h.ms")),
                    h.kind, h.details::jsonb
                FROM moved, unnest(\(entries.milliseconds)::int8[], \(entries.kinds)::text[],
                                   \(entries.details)::text[]) WITH ORDINALITY AS h(ms, kind, details, n)
            ), consumed AS (
                UPDATE instance_inbox SET consumed_at = \(transition.at.postgres)
                WHERE instance_id = \(id) AND id = ANY(\(transition.consumedEvents)::int8[]) AND consumed_at IS NULL
                  AND EXISTS (SELECT 1 FROM moved)
            )
            SELECT EXISTS (SELECT 1 FROM moved) AS moved, i.id AS found, i.lease_owner AS holder
            FROM (SELECT 1) AS one LEFT JOIN flow_instances i ON i.id = \(id)
            """
        )
        guard let row = result.first?.makeRandomAccess(), try row["moved"].decode(Bool.self) == false else {
            // Every daemon's live streams of this instance (`PostgresWakeListener`) read the new
            // entries once told; a transition that adds nothing and ends nothing announces nothing.
            if !transition.history.isEmpty || transition.status.isFinished {
                announce(TimelineAnnouncement(instanceID: id, ended: transition.status.isFinished, owner: owner))
            }
            return
        }
        guard try row["found"].decode(String?.self) != nil else {
            throw StoreError(.notFound, "instance '\(id)' does not exist")
        }
        let name = try row["holder"].decode(String?.self).map { "'\($0)'" } ?? "nobody"
        throw StoreError(.leaseLost, "'\(owner)' no longer holds the lease on '\(id)' (held by \(name))")
    }

    /// One statement like `commit`'s, without the fence: `last_seq` advanced, the rows appended, then
    /// every daemon's streams of the instance told (`annotation` is no worker's owner name).
    public func annotate(instanceID: String, _ entries: [HistoryEntry]) async throws {
        guard !entries.isEmpty else { return }
        let arrays = try HistoryArrays(entries)
        let result = try await rows(
            """
            WITH moved AS (
                UPDATE flow_instances SET last_seq = last_seq + \(arrays.count)
                WHERE id = \(instanceID)
                RETURNING last_seq - \(arrays.count) AS base
            ), appended AS (
                INSERT INTO instance_events (instance_id, seq, at, kind, details)
                SELECT \(instanceID), moved.base + h.n, \(unescaped: HistoryArrays.instantFromMilliseconds("h.ms")),
                    h.kind, h.details::jsonb
                FROM moved, unnest(\(arrays.milliseconds)::int8[], \(arrays.kinds)::text[],
                                   \(arrays.details)::text[]) WITH ORDINALITY AS h(ms, kind, details, n)
            )
            SELECT EXISTS (SELECT 1 FROM moved) AS moved
            """
        )
        guard let row = result.first?.makeRandomAccess(), try row["moved"].decode(Bool.self) else {
            throw StoreError(.notFound, "instance '\(instanceID)' does not exist")
        }
        announce(TimelineAnnouncement(instanceID: instanceID, ended: false, owner: "annotation"))
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
                storedKind: try r["kind"].decode(String.self),
                details: try StoreCoding.value(try r["details"].decode(String.self), column: "details")
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
