import FlowEngine
import PostgresNIO

/// A new instance with its first history entries (`FlowStore.createInstance`).
struct NewInstance: Sendable {
    var record: InstanceRecord
    var history: [HistoryEntry]
}

/// Instances that several starts create at once (API requests, event fan-outs, a burst of
/// sends), written in one statement (`batched`, `writeBatch`).
extension PostgresFlowStore {
    /// The rows in one `INSERT … SELECT FROM unnest(…) ON CONFLICT DO NOTHING` with their history
    /// entries tagged by position; a row the insert skipped (its id or idempotency key taken, or
    /// repeating an id earlier in the batch) is then created alone, which answers the existing
    /// instance of the key or the conflict. A missing definition (the foreign key) refuses the
    /// statement, and each is then created alone and fails alone.
    func createInstances(_ batch: [NewInstance]) async -> [Result<CreateInstanceResult, any Error>] {
        await writeBatch(batch, kind: "instance.create", key: \.record.id, together: { news in
            var statement = InstanceBatchArrays()
            for new in news { try statement.append(new) }
            let created = Set(try await driverRows(statement.query).map { try $0.decode(Int32.self) })
            return news.enumerated().map { offset, new in
                created.contains(Int32(offset + 1)) ? .created(new.record) : nil
            }
        }, alone: createInstanceAlone)
    }
}

/// The batch's columns as arrays (nil values as a flag or `GroupCommitStatement.none`), history
/// entries tagged with their instance's position (from 1).
private struct InstanceBatchArrays {
    var ids: [String] = [], flows: [String] = [], hashes: [String] = [], agencies: [String] = []
    var hasAgency: [Bool] = [], statuses: [String] = [], states: [String] = [], settings: [String] = []
    var wakes: [Int64] = [], keys: [String] = [], hasKey: [Bool] = [], owners: [String] = [], hasOwner: [Bool] = []
    var leases: [Int64] = [], created: [Int64] = [], updated: [Int64] = [], counts: [Int32] = []
    var historyIndex: [Int32] = [], historyNumber: [Int32] = [], historyAt: [Int64] = []
    var historyKinds: [String] = [], historyDetails: [String] = []

    /// Adds one instance (positions count from 1 in the order added).
    mutating func append(_ new: NewInstance) throws {
        let none = GroupCommitStatement.none
        let record = new.record
        let entries = try HistoryArrays(new.history)
        let position = Int32(ids.count + 1)
        ids.append(record.id)
        flows.append(record.flow)
        hashes.append(record.definitionHash)
        agencies.append(record.agencyID ?? "")
        hasAgency.append(record.agencyID != nil)
        statuses.append(record.status.rawValue)
        states.append(record.state)
        settings.append(record.settings)
        wakes.append(record.wakeAt?.epochMilliseconds ?? none)
        keys.append(record.idempotencyKey ?? "")
        hasKey.append(record.idempotencyKey != nil)
        owners.append(record.leaseOwner ?? "")
        hasOwner.append(record.leaseOwner != nil)
        leases.append(record.leaseUntil?.epochMilliseconds ?? none)
        created.append(record.createdAt.epochMilliseconds)
        updated.append(record.updatedAt.epochMilliseconds)
        counts.append(Int32(entries.count))
        for index in 0..<entries.count {
            historyIndex.append(position)
            historyNumber.append(Int32(index + 1))
            historyAt.append(entries.milliseconds[index])
            historyKinds.append(entries.kinds[index])
            historyDetails.append(entries.details[index])
        }
    }

    /// Answers the positions of the rows it created.
    var query: PostgresQuery {
        let none = "'\(GroupCommitStatement.none)'::int8"
        let instant = HistoryArrays.instantFromMilliseconds
        return """
            WITH input AS (
                SELECT * FROM unnest(\(ids)::text[], \(flows)::text[], \(hashes)::text[], \(agencies)::text[],
                                     \(hasAgency)::bool[], \(statuses)::text[], \(states)::text[], \(settings)::text[],
                                     \(wakes)::int8[], \(keys)::text[], \(hasKey)::bool[], \(owners)::text[],
                                     \(hasOwner)::bool[], \(leases)::int8[], \(created)::int8[], \(updated)::int8[],
                                     \(counts)::int4[])
                    WITH ORDINALITY AS t(id, flow, hash, agency, has_agency, status, state, settings, wake_ms, key,
                                         has_key, owner, has_owner, lease_ms, created_ms, updated_ms, n, idx)
            ), created AS (
                INSERT INTO flow_instances (id, flow, definition_hash, agency_id, status, state, settings, wake_at,
                    idempotency_key, lease_owner, lease_until, created_at, updated_at, last_seq)
                SELECT t.id, t.flow, t.hash, CASE WHEN t.has_agency THEN t.agency END, t.status, t.state::json,
                    t.settings::json, \(unescaped: instant("NULLIF(t.wake_ms, \(none))")),
                    CASE WHEN t.has_key THEN t.key END, CASE WHEN t.has_owner THEN t.owner END,
                    \(unescaped: instant("NULLIF(t.lease_ms, \(none))")), \(unescaped: instant("t.created_ms")),
                    \(unescaped: instant("t.updated_ms")), t.n
                FROM input t ORDER BY t.idx
                ON CONFLICT DO NOTHING RETURNING id
            ), appended AS (
                INSERT INTO instance_events (instance_id, seq, at, kind, details)
                SELECT c.id, h.n, \(unescaped: instant("h.ms")), h.kind, h.details::jsonb
                FROM unnest(\(historyIndex)::int4[], \(historyNumber)::int4[], \(historyAt)::int8[],
                            \(historyKinds)::text[], \(historyDetails)::text[]) AS h(idx, n, ms, kind, details)
                JOIN input t ON t.idx = h.idx JOIN created c ON c.id = t.id
            )
            SELECT t.idx::int4 FROM input t JOIN created c ON c.id = t.id
            """
    }
}
