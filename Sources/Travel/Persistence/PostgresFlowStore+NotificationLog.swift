public import FlowEngine
public import FlowRuntime
import PostgresNIO

/// The notification log on PostgreSQL.
extension PostgresFlowStore {
    public func claimNotification(_ claim: NotificationClaim) async throws -> Bool {
        let variables = try StoreCoding.json(claim.variables)
        return !(try await rows(
            """
            INSERT INTO notifications_log (trip_id, agency_id, instance_id, type, key, status, recipient, template,
                variables, created_at, updated_at)
            VALUES (\(claim.tripID), \(claim.agencyID), \(claim.instanceID), \(claim.type), \(claim.key), 'claimed',
                \(claim.to), \(claim.template), \(variables)::jsonb, \(claim.at.postgres), \(claim.at.postgres))
            ON CONFLICT (trip_id, type, key) DO NOTHING RETURNING id
            """
        )).isEmpty
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
