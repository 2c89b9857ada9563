public import FlowEngine
public import FlowRuntime
import SQLiteNIO

/// The notification log on SQLite.
extension SQLiteFlowStore {
    /// One write transaction (SQLite has one writer): the caps' counts, then the row `claimed` or
    /// `suppressed`.
    public func claimNotification(
        _ claim: NotificationClaim, caps: NotificationCaps
    ) async throws -> NotificationClaimOutcome {
        let caps = caps.applying(to: claim.agencyID)
        return try await write { _ in
            let reason = caps.isEmpty ? nil : try await capExceeded(caps, claim: claim)
            let inserted = try await exec(
                """
                INSERT INTO notifications_log (trip_id, agency_id, instance_id, type, key, status, recipient, template,
                    variables, error, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (trip_id, type, key) DO NOTHING RETURNING id
                """,
                [.text(claim.tripID), .optional(claim.agencyID), .optional(claim.instanceID), .text(claim.type),
                 .text(claim.key), .text(reason == nil ? "claimed" : "suppressed"), .text(claim.to),
                 .text(claim.template), .text(try StoreCoding.json(claim.variables)), .optional(reason),
                 .instant(claim.at), .instant(claim.at)]
            )
            guard !inserted.isEmpty else { return .duplicate }
            return reason.map { .suppressed(reason: $0) } ?? .claimed
        }
    }

    /// The first cap a new claim would exceed: one statement counting each cap's window.
    private func capExceeded(_ caps: NotificationCaps, claim: NotificationClaim) async throws -> String? {
        let uncounted = NotificationStatusOrder.uncountedForCaps
        let excluded = "status NOT IN (\(uncounted.map { _ in "?" }.joined(separator: ", ")))"
        var columns: [String] = []
        var binds: [SQLiteData] = []
        func count(_ name: String, _ limit: Int?, column: String, value: String?, since: Instant) {
            guard limit != nil, let value else { return columns.append("0 AS \(name)") }
            columns.append("(SELECT COUNT(*) FROM notifications_log WHERE \(column) = ? AND created_at >= ? AND \(excluded)) AS \(name)")
            binds += [.text(value), .instant(since)] + uncounted.map { .text($0) }
        }
        let (day, hour) = (NotificationCaps.dayStart(claim.at), NotificationCaps.hourStart(claim.at))
        count("trip_day", caps.perTripPerDay, column: "trip_id", value: claim.tripID, since: day)
        count("agency_hour", caps.perAgencyPerHour, column: "agency_id", value: claim.agencyID, since: hour)
        count("agency_day", caps.perAgencyPerDay, column: "agency_id", value: claim.agencyID, since: day)
        guard let row = try await exec("SELECT " + columns.joined(separator: ", "), binds).first else { return nil }
        let r = SQLiteRowReader(row)
        return caps.exceeded(
            tripDay: Int(try r.int("trip_day")), agencyHour: Int(try r.int("agency_hour")),
            agencyDay: Int(try r.int("agency_day")), including: false)
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
