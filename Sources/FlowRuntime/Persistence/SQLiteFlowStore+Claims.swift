public import FlowEngine
import SQLiteNIO

/// Claiming on SQLite: the same shape as PostgreSQL's claim (due instances from the partial index
/// `flow_instances_wake` in wake-up order, plus instances with undelivered inbox events, each
/// part limited), in one write transaction that also reads the leased instances' inbox events
/// and the next wake-up. The write lock stands in for `FOR UPDATE SKIP LOCKED`.
extension SQLiteFlowStore {
    public func claimDue(now: Instant, owner: String, leaseFor: TimeSpan, limit: Int) async throws -> [InstanceRecord] {
        try await claimBatch(now: now, owner: owner, leaseFor: leaseFor, limit: limit).claimed.map(\.record)
    }

    public func claimBatch(now: Instant, owner: String, leaseFor: TimeSpan, limit: Int) async throws -> ClaimBatch {
        let limit = max(0, limit)
        return try await write { _ in
            let leased = limit == 0 ? [] : try await exec(
                """
                UPDATE flow_instances SET lease_owner = ?, lease_until = ?
                WHERE id IN (
                    SELECT id FROM (
                        SELECT id FROM flow_instances
                        WHERE status IN ('running', 'waiting') AND wake_at <= ?
                          AND (lease_until IS NULL OR lease_until < ?)
                        ORDER BY wake_at, id LIMIT ?)
                    UNION
                    SELECT id FROM (
                        SELECT i.id FROM flow_instances i
                        WHERE i.id IN (SELECT b.instance_id FROM instance_inbox b WHERE b.consumed_at IS NULL)
                          AND i.status IN ('running', 'waiting')
                          AND (i.lease_until IS NULL OR i.lease_until < ?)
                        LIMIT ?)
                    LIMIT ?)
                RETURNING \(Self.instanceColumns)
                """,
                [.text(owner), .instant(now + leaseFor), .instant(now), .instant(now), .integer(limit),
                 .instant(now), .integer(limit), .integer(limit)]
            ).map(Self.instanceRecord).sorted { a, b in
                // Wake-up order, instances without one (woken by the inbox) last, as on PostgreSQL.
                (a.wakeAt?.epochMilliseconds ?? .max, a.id) < (b.wakeAt?.epochMilliseconds ?? .max, b.id)
            }
            let inboxes = try await pendingInbox(of: leased.map(\.id))
            let next = try await exec(
                """
                SELECT wake_at FROM flow_instances WHERE status IN ('running', 'waiting') AND wake_at > ?
                ORDER BY wake_at LIMIT 1
                """,
                [.instant(now)]
            ).first.map { try SQLiteRowReader($0).instant("wake_at") }
            return ClaimBatch(
                claimed: leased.map { ClaimBatch.Claimed(record: $0, inbox: inboxes[$0.id] ?? []) }, nextWakeAt: next)
        }
    }

    /// Undelivered inbox events of `ids`, oldest first per instance (inside the claim's transaction).
    private func pendingInbox(of ids: [String]) async throws -> [String: [InboxEvent]] {
        guard !ids.isEmpty else { return [:] }
        let marks = Array(repeating: "?", count: ids.count).joined(separator: ", ")
        var events: [String: [InboxEvent]] = [:]
        for row in try await exec(
            """
            SELECT id, instance_id, kind, payload, dedup_key, at FROM instance_inbox
            WHERE consumed_at IS NULL AND instance_id IN (\(marks)) ORDER BY id
            """,
            ids.map { .text($0) }
        ) {
            let r = SQLiteRowReader(row)
            let event = InboxEvent(
                id: try r.int("id"), instanceID: try r.string("instance_id"), kind: try r.string("kind"),
                payload: try r.value("payload"), dedupKey: try r.optionalString("dedup_key"), at: try r.instant("at")
            )
            events[event.instanceID, default: []].append(event)
        }
        return events
    }
}
