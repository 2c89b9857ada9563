public import FlowEngine
import PostgresNIO

/// Retention and erasure of instances on PostgreSQL (`InstanceRemoval`), and the erasures' audit (`ErasureLog`).
extension PostgresFlowStore: InstanceRemoval, ErasureLog {
    public func purgeFinishedInstances(updatedBefore cutoff: Instant, limit: Int) async throws -> RemovedInstances {
        let statuses = SQLiteFlowStore.finishedStatuses
        return try await transaction { session in
            // SKIP LOCKED: daemons purging at once take different instances instead of waiting on each other.
            let ids = try await session.query(
                """
                SELECT id FROM flow_instances WHERE status = ANY(\(statuses)) AND updated_at < \(cutoff.postgres)
                ORDER BY updated_at, id LIMIT \(max(0, limit)) FOR UPDATE SKIP LOCKED
                """
            ).map { try $0.decode(String.self) }
            return try await Self.removeFinished(ids, in: session)
        }
    }

    public func instances(agency: String?, mentioning needle: String) async throws -> [String: InstanceStatus] {
        var statuses: [String: InstanceStatus] = [:]
        for row in try await rows(
            """
            SELECT i.id, i.status FROM flow_instances i
            WHERE (\(agency)::text IS NULL OR i.agency_id = \(agency) OR i.agency_id IS NULL)
              AND (strpos(i.state::text, \(needle)) > 0 OR strpos(i.settings::text, \(needle)) > 0
                OR EXISTS (SELECT 1 FROM instance_events e WHERE e.instance_id = i.id AND strpos(e.details::text, \(needle)) > 0)
                OR EXISTS (SELECT 1 FROM instance_inbox b WHERE b.instance_id = i.id AND strpos(b.payload::text, \(needle)) > 0)
                OR EXISTS (SELECT 1 FROM approvals a WHERE a.instance_id = i.id AND strpos(a.request::text, \(needle)) > 0)
                OR EXISTS (SELECT 1 FROM effects f WHERE f.instance_id = i.id
                           AND (strpos(f.request::text, \(needle)) > 0 OR strpos(COALESCE(f.result::text, ''), \(needle)) > 0)))
            """
        ) {
            let (id, status) = try row.decode((String, String).self)
            guard let status = InstanceStatus(rawValue: status) else {
                throw StoreError(.corrupt, "flow_instances.status is not a known status")
            }
            statuses[id] = status
        }
        return statuses
    }

    public func removeFinishedInstances(ids: [String]) async throws -> RemovedInstances {
        var removed = RemovedInstances()
        var rest = ids[...]
        while !rest.isEmpty {
            let chunk = Array(rest.prefix(500))
            rest = rest.dropFirst(chunk.count)
            removed = removed + (try await transaction { try await Self.removeFinished(chunk, in: $0) })
        }
        return removed
    }

    /// Inside a transaction: removes those of `ids` that are finished, with their rows.
    private static func removeFinished(_ ids: [String], in session: PostgresSession) async throws -> RemovedInstances {
        guard !ids.isEmpty else { return RemovedInstances() }
        let statuses = SQLiteFlowStore.finishedStatuses
        let finished = try await session.query(
            "SELECT id FROM flow_instances WHERE id = ANY(\(ids)) AND status = ANY(\(statuses)) FOR UPDATE"
        ).map { try $0.decode(String.self) }
        guard !finished.isEmpty else { return RemovedInstances() }
        let effects = try await session.query("DELETE FROM effects WHERE instance_id = ANY(\(finished)) RETURNING 1").count
        let entries = try await session.query(
            "DELETE FROM instance_events WHERE instance_id = ANY(\(finished)) RETURNING 1").count
        try await session.query("DELETE FROM instance_inbox WHERE instance_id = ANY(\(finished))")
        try await session.query("DELETE FROM approvals WHERE instance_id = ANY(\(finished))")
        let instances = try await session.query("DELETE FROM flow_instances WHERE id = ANY(\(finished)) RETURNING 1").count
        return RemovedInstances(instances: instances, timelineEntries: entries, effects: effects)
    }

    public func recordErasure(_ record: ErasureRecord) async throws {
        let counts = try StoreCoding.json(.object(record.counts.mapValues { .number(Double($0)) }))
        _ = try await rows(
            """
            INSERT INTO erasures (id, agency_id, subject, counts, erased_by, erased_at)
            VALUES (\(record.id), \(record.agencyID), \(record.subject), \(counts)::jsonb, \(record.erasedBy),
                    \(record.at.postgres))
            """
        )
    }

    public func erasures(agency: String?, limit: Int) async throws -> [ErasureRecord] {
        try await rows(
            """
            SELECT id, agency_id, subject, counts::text AS counts, erased_by, erased_at FROM erasures
            WHERE (\(agency)::text IS NULL OR agency_id = \(agency)) ORDER BY erased_at DESC, id DESC LIMIT \(max(0, limit))
            """
        ).map { row in
            let r = row.makeRandomAccess()
            return ErasureRecord(
                id: try r["id"].decode(String.self), agencyID: try r["agency_id"].decode(String?.self),
                subject: try r["subject"].decode(String.self),
                counts: ErasureRecord.counts(try StoreCoding.value(try r["counts"].decode(String.self), column: "counts")),
                erasedBy: try r["erased_by"].decode(String?.self), at: try r["erased_at"].decode(PostgresInstant.self).instant)
        }
    }
}
