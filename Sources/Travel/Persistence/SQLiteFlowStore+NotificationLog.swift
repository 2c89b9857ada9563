public import FlowEngine
public import FlowRuntime
import SQLiteNIO

/// The notification log on SQLite.
extension SQLiteFlowStore {
    public func claimNotification(_ claim: NotificationClaim) async throws -> Bool {
        try await write { _ in
            !(try await exec(
                """
                INSERT INTO notifications_log (trip_id, agency_id, instance_id, type, key, status, recipient, template,
                    variables, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, 'claimed', ?, ?, ?, ?, ?)
                ON CONFLICT (trip_id, type, key) DO NOTHING RETURNING id
                """,
                [.text(claim.tripID), .optional(claim.agencyID), .optional(claim.instanceID), .text(claim.type),
                 .text(claim.key), .text(claim.to), .text(claim.template), .text(try StoreCoding.json(claim.variables)),
                 .instant(claim.at), .instant(claim.at)]
            )).isEmpty
        }
    }

    public func updateNotification(
        tripID: String, type: String, key: String, status: String, providerID: String?, error: String?
    ) async throws {
        try await write { _ in
            let updated = try await exec(
                """
                UPDATE notifications_log SET status = ?, provider_id = COALESCE(?, provider_id), error = ?, updated_at = ?
                WHERE trip_id = ? AND type = ? AND key = ? RETURNING id
                """,
                [.text(status), .optional(providerID), .optional(error), .instant(StoreCoding.wallClock()),
                 .text(tripID), .text(type), .text(key)]
            )
            guard !updated.isEmpty else {
                throw StoreError(.notFound, "no notification claimed for trip '\(tripID)', \(type), '\(key)'")
            }
            if let providerID { try await applyPendingStatus(providerID: providerID) }
        }
    }

    /// Applies `NotificationStatusOrder`: only a status of higher rank replaces the logged one.
    public func updateNotificationStatus(providerID: String, status: String, errorCode: String?) async throws {
        try await write { _ in try await applyStatus(providerID: providerID, status: status, errorCode: errorCode) }
    }

    public func countNotifications(tripID: String?, agencyID: String?, since: Instant) async throws -> Int {
        let uncounted = NotificationStatusOrder.uncountedForCaps
        var sql = """
            SELECT COUNT(*) AS n FROM notifications_log
            WHERE created_at >= ? AND status NOT IN (\(uncounted.map { _ in "?" }.joined(separator: ", ")))
            """
        var binds: [SQLiteData] = [.instant(since)] + uncounted.map { .text($0) }
        if let tripID { sql += " AND trip_id = ?"; binds.append(.text(tripID)) }
        if let agencyID { sql += " AND agency_id = ?"; binds.append(.text(agencyID)) }
        return try await read { _ in
            Int(try await exec(sql, binds).first.map { try SQLiteRowReader($0).int("n") } ?? 0)
        }
    }

}

extension SQLiteFlowStore {
    public func notification(tripID: String, type: String, key: String) async throws -> NotificationLogEntry? {
        try await read { _ in
            try await exec(
                """
                SELECT trip_id, type, key, instance_id, status, provider_id, error, created_at FROM notifications_log
                WHERE trip_id = ? AND type = ? AND key = ?
                """,
                [.text(tripID), .text(type), .text(key)]
            ).first.map { row in
                let r = SQLiteRowReader(row)
                return NotificationLogEntry(
                    tripID: try r.string("trip_id"), type: try r.string("type"), key: try r.string("key"),
                    instanceID: try r.optionalString("instance_id"), status: try r.string("status"),
                    providerID: try r.optionalString("provider_id"), error: try r.optionalString("error"),
                    createdAt: try r.instant("created_at"))
            }
        }
    }
}
