public import FlowEngine
public import FlowRuntime
import PostgresNIO

/// The notification log on PostgreSQL.
extension PostgresFlowStore {
    /// Claims that arrive together are written together (`PostgresFlowStore+NotificationClaims.swift`);
    /// alone, `claimNotificationAlone`.
    public func claimNotification(
        _ claim: NotificationClaim, caps: NotificationCaps
    ) async throws -> NotificationClaimOutcome {
        let caps = caps.applying(to: claim.agencyID)
        guard groupsStatements else { return try await claimNotificationAlone(claim, caps: caps) }
        let entry = NotificationClaimBatch.Entry(claim: claim, caps: caps, exists: false)
        return try await batched(entry, as: "notification.claim") { [self] batch in await claimNotifications(batch) }
    }

    /// Without caps, one statement. With caps, one short transaction: `pg_advisory_xact_lock` on the
    /// capped trip and agency (`NotificationCaps.lockNames`, in sorted order, so claims never wait on
    /// each other in a cycle), then one statement that counts each cap's window and inserts the row
    /// `claimed` or `suppressed`; the commit releases the locks. The lock is taken by a statement of
    /// its own because a statement sees the rows committed when it began (READ COMMITTED): the count
    /// then sees every claim committed by the previous holder. Claims of other trips and agencies do
    /// not wait; nothing but these two statements and the commit runs under the lock.
    func claimNotificationAlone(
        _ claim: NotificationClaim, caps: NotificationCaps
    ) async throws -> NotificationClaimOutcome {
        guard !caps.isEmpty else {
            return try await rows(insertClaim(claim, caps: caps)).isEmpty ? .duplicate : .claimed
        }
        let locks = caps.lockNames(trip: claim.tripID, agency: claim.agencyID)
        let inserted = try await transaction { session in
            try await session.query(
                "SELECT pg_advisory_xact_lock(hashtextextended(n, 0)) FROM unnest(\(locks)::text[]) AS n")
            return try await session.query(insertClaim(claim, caps: caps))
        }
        guard let row = inserted.first else { return .duplicate }
        return try row.decode(String?.self).map { .suppressed(reason: $0) } ?? .claimed
    }

    /// Inserts the claim, `suppressed` with the first cap's reason when the counted rows of its window
    /// already reach it; returns the new row's `error` (the reason), no row for a duplicate.
    private func insertClaim(_ claim: NotificationClaim, caps: NotificationCaps) throws -> PostgresQuery {
        let uncounted = NotificationStatusOrder.uncountedForCaps
        let (day, hour) = (NotificationCaps.dayStart(claim.at).postgres, NotificationCaps.hourStart(claim.at).postgres)
        let variables = try StoreCoding.json(claim.variables)
        return """
            WITH verdict AS (
                SELECT CASE
                    WHEN \(caps.perTripPerDay)::bigint IS NOT NULL AND (
                        SELECT COUNT(*) FROM notifications_log WHERE trip_id = \(claim.tripID)
                          AND created_at >= \(day) AND status <> ALL(\(uncounted))) >= \(caps.perTripPerDay)::bigint
                    THEN \(caps.tripDayReason)::text
                    WHEN \(caps.perAgencyPerHour)::bigint IS NOT NULL AND (
                        SELECT COUNT(*) FROM notifications_log WHERE agency_id = \(claim.agencyID)
                          AND created_at >= \(hour) AND status <> ALL(\(uncounted))) >= \(caps.perAgencyPerHour)::bigint
                    THEN \(caps.agencyHourReason)::text
                    WHEN \(caps.perAgencyPerDay)::bigint IS NOT NULL AND (
                        SELECT COUNT(*) FROM notifications_log WHERE agency_id = \(claim.agencyID)
                          AND created_at >= \(day) AND status <> ALL(\(uncounted))) >= \(caps.perAgencyPerDay)::bigint
                    THEN \(caps.agencyDayReason)::text
                END AS reason
            )
            INSERT INTO notifications_log (trip_id, agency_id, instance_id, type, key, status, recipient, template,
                variables, error, created_at, updated_at)
            SELECT \(claim.tripID), \(claim.agencyID), \(claim.instanceID), \(claim.type), \(claim.key),
                CASE WHEN reason IS NULL THEN 'claimed' ELSE 'suppressed' END,
                \(claim.to), \(claim.template), \(variables)::jsonb, reason, \(claim.at.postgres), \(claim.at.postgres)
            FROM verdict
            ON CONFLICT (trip_id, type, key) DO NOTHING RETURNING error
            """
    }

    public func countNotifications(tripID: String?, agencyID: String?, since: Instant) async throws -> Int {
        let uncounted = NotificationStatusOrder.uncountedForCaps
        let rows = try await rows(
            """
            SELECT COUNT(*)::bigint FROM notifications_log
            WHERE created_at >= \(since.postgres) AND status <> ALL(\(uncounted))
              AND (\(tripID)::text IS NULL OR trip_id = \(tripID))
              AND (\(agencyID)::text IS NULL OR agency_id = \(agencyID))
            """
        )
        return Int(try rows.first?.decode(Int64.self) ?? 0)
    }

}

extension PostgresFlowStore {
    public func notification(tripID: String, type: String, key: String) async throws -> NotificationLogEntry? {
        try await rows(
            """
            SELECT trip_id, type, key, instance_id, status, provider_id, error, created_at FROM notifications_log
            WHERE trip_id = \(tripID) AND type = \(type) AND key = \(key)
            """
        ).first.map { row in
            let r = row.makeRandomAccess()
            return NotificationLogEntry(
                tripID: try r["trip_id"].decode(String.self), type: try r["type"].decode(String.self),
                key: try r["key"].decode(String.self), instanceID: try r["instance_id"].decode(String?.self),
                status: try r["status"].decode(String.self), providerID: try r["provider_id"].decode(String?.self),
                error: try r["error"].decode(String?.self),
                createdAt: try r["created_at"].decode(PostgresInstant.self).instant)
        }
    }
}
