public import FlowEngine
import PostgresNIO

/// Claiming on PostgreSQL: one statement leases the due instances and returns them with their
/// undelivered inbox events and the next wake-up.
extension PostgresFlowStore {
    public func claimDue(now: Instant, owner: String, leaseFor: TimeSpan, limit: Int) async throws -> [InstanceRecord] {
        try await claimBatch(now: now, owner: owner, leaseFor: leaseFor, limit: limit).claimed.map(\.record)
    }

    /// One statement. Due instances come from the partial index `flow_instances_wake` in wake-up
    /// order and instances with undelivered inbox events from `instance_inbox_pending`; each part
    /// locks with `FOR UPDATE SKIP LOCKED` and `LIMIT`, so concurrent claimers pass over each
    /// other's rows instead of scanning or waiting. The leased rows are joined with their pending
    /// inbox events (one row per event, or one without), and every row carries the next wake-up
    /// (an index seek on `flow_instances_wake`); with nothing claimed, one row carries it alone.
    public func claimBatch(now: Instant, owner: String, leaseFor: TimeSpan, limit: Int) async throws -> ClaimBatch {
        let limit = max(0, limit)
        let result = try await rows(
            """
            WITH due AS (
                SELECT id FROM flow_instances
                WHERE status IN ('running', 'waiting') AND wake_at <= \(now.postgres)
                  AND (lease_until IS NULL OR lease_until < \(now.postgres))
                ORDER BY wake_at, id
                LIMIT \(limit)
                FOR UPDATE SKIP LOCKED
            ), signalled AS (
                SELECT i.id FROM flow_instances i
                WHERE i.id IN (SELECT b.instance_id FROM instance_inbox b WHERE b.consumed_at IS NULL)
                  AND i.status IN ('running', 'waiting')
                  AND (i.lease_until IS NULL OR i.lease_until < \(now.postgres))
                LIMIT \(limit)
                FOR UPDATE OF i SKIP LOCKED
            ), picked AS (
                SELECT id AS picked_id FROM due UNION SELECT id FROM signalled LIMIT \(limit)
            ), leased AS (
                UPDATE flow_instances SET lease_owner = \(owner), lease_until = \((now + leaseFor).postgres)
                FROM picked WHERE flow_instances.id = picked.picked_id
                RETURNING \(unescaped: Self.instanceColumns)
            )
            SELECT n.next_wake, l.*, b.id AS inbox_id, b.kind AS inbox_kind, b.payload::text AS inbox_payload,
                b.dedup_key AS inbox_dedup_key, b.at AS inbox_at
            FROM (SELECT (SELECT wake_at FROM flow_instances
                          WHERE status IN ('running', 'waiting') AND wake_at > \(now.postgres)
                          ORDER BY wake_at LIMIT 1) AS next_wake) AS n
            LEFT JOIN leased l ON TRUE
            LEFT JOIN instance_inbox b ON b.instance_id = l.id AND b.consumed_at IS NULL
            ORDER BY l.wake_at, l.id, b.id
            """
        )
        var nextWakeAt: Instant?
        var claimed: [(InstanceRecord, InboxEvent?)] = []
        for row in result {
            let r = row.makeRandomAccess()
            nextWakeAt = try r["next_wake"].decode(PostgresInstant?.self)?.instant
            guard try r["id"].decode(String?.self) != nil else { continue }
            let record = try Self.instanceRecord(row)
            guard let inboxID = try r["inbox_id"].decode(Int64?.self) else {
                claimed.append((record, nil))
                continue
            }
            claimed.append((record, InboxEvent(
                id: inboxID, instanceID: record.id, kind: try r["inbox_kind"].decode(String.self),
                payload: try StoreCoding.value(try r["inbox_payload"].decode(String.self), column: "payload"),
                dedupKey: try r["inbox_dedup_key"].decode(String?.self),
                at: try r["inbox_at"].decode(PostgresInstant.self).instant
            )))
        }
        return ClaimBatch.grouping(claimed, nextWakeAt: nextWakeAt)
    }
}
