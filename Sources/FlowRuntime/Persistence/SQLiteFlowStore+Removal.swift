public import FlowEngine
import SQLiteNIO

/// Retention and erasure of instances on SQLite (`InstanceRemoval`), and the erasures' audit (`ErasureLog`).
extension SQLiteFlowStore: InstanceRemoval, ErasureLog {
    static let finishedStatuses = InstanceStatus.allCases.filter(\.isFinished).map(\.rawValue)

    public func purgeFinishedInstances(updatedBefore cutoff: Instant, limit: Int) async throws -> RemovedInstances {
        let statuses = Self.finishedStatuses
        return try await write { _ in
            let ids = try await exec(
                """
                SELECT id FROM flow_instances WHERE status IN (\(statuses.map { _ in "?" }.joined(separator: ", ")))
                AND updated_at < ? ORDER BY updated_at, id LIMIT ?
                """,
                statuses.map { .text($0) } + [.instant(cutoff), .int(Int64(max(0, limit)))]
            ).map { try SQLiteRowReader($0).string("id") }
            return try await removeFinished(ids)
        }
    }

    public func instances(agency: String?, mentioning needle: String) async throws -> [String: InstanceStatus] {
        let found = """
            instr(i.state, ?1) > 0 OR instr(i.settings, ?1) > 0
            OR EXISTS (SELECT 1 FROM instance_events e WHERE e.instance_id = i.id AND instr(e.details, ?1) > 0)
            OR EXISTS (SELECT 1 FROM instance_inbox b WHERE b.instance_id = i.id AND instr(b.payload, ?1) > 0)
            OR EXISTS (SELECT 1 FROM approvals a WHERE a.instance_id = i.id AND instr(a.request, ?1) > 0)
            OR EXISTS (SELECT 1 FROM effects f WHERE f.instance_id = i.id
                       AND (instr(f.request, ?1) > 0 OR instr(COALESCE(f.result, ''), ?1) > 0))
            """
        return try await read { _ in
            var statuses: [String: InstanceStatus] = [:]
            for row in try await exec(
                """
                SELECT i.id, i.status FROM flow_instances i
                WHERE (?2 IS NULL OR i.agency_id = ?2 OR i.agency_id IS NULL) AND (\(found))
                """,
                [.text(needle), .optional(agency)]
            ) {
                let r = SQLiteRowReader(row)
                guard let status = InstanceStatus(rawValue: try r.string("status")) else {
                    throw StoreError(.corrupt, "flow_instances.status is not a known status")
                }
                statuses[try r.string("id")] = status
            }
            return statuses
        }
    }

    public func removeFinishedInstances(ids: [String]) async throws -> RemovedInstances {
        var removed = RemovedInstances()
        var rest = ids[...]
        while !rest.isEmpty {
            let chunk = Array(rest.prefix(200))
            rest = rest.dropFirst(chunk.count)
            removed = removed + (try await write { _ in try await removeFinished(chunk) })
        }
        return removed
    }

    /// Inside a write transaction: removes those of `ids` that are finished, with their rows.
    private func removeFinished(_ ids: [String]) async throws -> RemovedInstances {
        guard !ids.isEmpty else { return RemovedInstances() }
        let statuses = Self.finishedStatuses
        let finished = try await exec(
            """
            SELECT id FROM flow_instances WHERE id IN (\(ids.map { _ in "?" }.joined(separator: ", ")))
            AND status IN (\(statuses.map { _ in "?" }.joined(separator: ", ")))
            """,
            ids.map { .text($0) } + statuses.map { .text($0) }
        ).map { try SQLiteRowReader($0).string("id") }
        guard !finished.isEmpty else { return RemovedInstances() }
        let list = finished.map { _ in "?" }.joined(separator: ", ")
        let binds: [SQLiteData] = finished.map { .text($0) }
        let effects = try await exec("DELETE FROM effects WHERE instance_id IN (\(list)) RETURNING 1", binds).count
        let entries = try await exec("DELETE FROM instance_events WHERE instance_id IN (\(list)) RETURNING 1", binds).count
        try await exec("DELETE FROM instance_inbox WHERE instance_id IN (\(list))", binds)
        try await exec("DELETE FROM approvals WHERE instance_id IN (\(list))", binds)
        let instances = try await exec("DELETE FROM flow_instances WHERE id IN (\(list)) RETURNING 1", binds).count
        return RemovedInstances(instances: instances, timelineEntries: entries, effects: effects)
    }

    public func recordErasure(_ record: ErasureRecord) async throws {
        let counts = try StoreCoding.json(.object(record.counts.mapValues { .number(Double($0)) }))
        try await write { _ in
            try await exec(
                "INSERT INTO erasures (id, agency_id, subject, counts, erased_by, erased_at) VALUES (?, ?, ?, ?, ?, ?)",
                [.text(record.id), .optional(record.agencyID), .text(record.subject), .text(counts),
                 .optional(record.erasedBy), .instant(record.at)])
        }
    }

    public func erasures(agency: String?, limit: Int) async throws -> [ErasureRecord] {
        try await read { _ in
            try await exec(
                """
                SELECT id, agency_id, subject, counts, erased_by, erased_at FROM erasures
                WHERE (?1 IS NULL OR agency_id = ?1) ORDER BY erased_at DESC, id DESC LIMIT ?2
                """,
                [.optional(agency), .int(Int64(max(0, limit)))]
            ).map { row in
                let r = SQLiteRowReader(row)
                return ErasureRecord(
                    id: try r.string("id"), agencyID: try r.optionalString("agency_id"), subject: try r.string("subject"),
                    counts: ErasureRecord.counts(try r.value("counts")), erasedBy: try r.optionalString("erased_by"),
                    at: try r.instant("erased_at"))
            }
        }
    }
}

extension ErasureRecord {
    /// The stored counts object as numbers by kind.
    package static func counts(_ value: Value) -> [String: Int] {
        (value.objectValue ?? [:]).compactMapValues { $0.intValue }
    }
}
