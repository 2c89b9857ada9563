import PostgresNIO

/// The group commit's statement, prepared once per connection (its text never changes; only the
/// fifteen arrays do): `commitAlone`'s CTEs over arrays with one element per transition (`t.idx`
/// numbers them), history rows and consumed inbox events tagged with their transition's number.
/// Instants travel as epoch milliseconds; `nil` ones and released leases travel as `none` and are
/// turned back into NULL. Each row answers one transition: (index, moved, found id, lease holder).
struct GroupCommitStatement: PostgresPreparedStatement {
    typealias Row = (Int64, Bool, String?, String?)

    /// The sentinel for a missing instant or a released lease.
    static let none = Int64.min

    var ids: [String] = [], owners: [String] = [], states: [String] = [], statuses: [String] = []
    var wakes: [Int64] = [], ats: [Int64] = [], keeps: [Int64] = [], counts: [Int32] = []
    var historyIndex: [Int32] = [], historyNumber: [Int32] = [], historyAt: [Int64] = []
    var historyKinds: [String] = [], historyDetails: [String] = []
    var consumedIndex: [Int32] = [], consumedEvents: [Int64] = []

    static let name = "flow_group_commit_v1"

    static let sql: String = {
        let none = "'\(GroupCommitStatement.none)'::int8"
        let instant = HistoryArrays.instantFromMilliseconds
        return """
            WITH input AS (
                SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[],
                                     $5::int8[], $6::int8[], $7::int8[], $8::int4[])
                    WITH ORDINALITY AS t(id, owner, state, status, wake_ms, at_ms, keep_ms, n, idx)
            ), moved AS (
                UPDATE flow_instances f
                SET state = t.state::json, status = t.status,
                    wake_at = \(instant("NULLIF(t.wake_ms, \(none))")),
                    updated_at = \(instant("t.at_ms")),
                    lease_owner = CASE WHEN t.keep_ms = \(none) THEN NULL ELSE t.owner END,
                    lease_until = \(instant("NULLIF(t.keep_ms, \(none))")),
                    last_seq = f.last_seq + t.n
                FROM input t
                WHERE f.id = t.id AND f.lease_owner = t.owner
                RETURNING t.idx, f.id, f.last_seq - t.n AS base
            ), appended AS (
                INSERT INTO instance_events (instance_id, seq, at, kind, details)
                SELECT m.id, m.base + h.n, \(instant("h.ms")), h.kind, h.details::jsonb
                FROM unnest($9::int4[], $10::int4[], $11::int8[], $12::text[], $13::text[]) AS h(idx, n, ms, kind, details)
                JOIN moved m ON m.idx = h.idx
            ), consumed AS (
                UPDATE instance_inbox b
                SET consumed_at = \(instant("t.at_ms"))
                FROM unnest($14::int4[], $15::int8[]) AS c(idx, event)
                JOIN moved m ON m.idx = c.idx JOIN input t ON t.idx = c.idx
                WHERE b.instance_id = m.id AND b.id = c.event AND b.consumed_at IS NULL
            )
            SELECT t.idx, m.id IS NOT NULL AS moved, i.id AS found, i.lease_owner AS holder
            FROM input t LEFT JOIN moved m ON m.idx = t.idx LEFT JOIN flow_instances i ON i.id = t.id
            ORDER BY t.idx
            """
    }()

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 15)
        bindings.append(ids)
        bindings.append(owners)
        bindings.append(states)
        bindings.append(statuses)
        bindings.append(wakes)
        bindings.append(ats)
        bindings.append(keeps)
        bindings.append(counts)
        bindings.append(historyIndex)
        bindings.append(historyNumber)
        bindings.append(historyAt)
        bindings.append(historyKinds)
        bindings.append(historyDetails)
        bindings.append(consumedIndex)
        bindings.append(consumedEvents)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row {
        try row.decode(Row.self)
    }
}
