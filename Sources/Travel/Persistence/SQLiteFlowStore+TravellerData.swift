public import FlowEngine
public import FlowRuntime
import SQLiteNIO

/// Retention and erasure of the travel tables on SQLite.
extension SQLiteFlowStore: TravellerDataStore {
    public func purgeDocuments(before cutoff: Instant, limit: Int) async throws -> Int {
        try await write { _ in
            try await exec(
                """
                DELETE FROM trip_documents WHERE id IN (
                    SELECT d.id FROM trip_documents d LEFT JOIN trips t ON t.id = d.trip_id
                    WHERE COALESCE(t.departure_at, d.received_at) < ? ORDER BY d.received_at, d.id LIMIT ?)
                RETURNING 1
                """,
                [.instant(cutoff), .int(Int64(max(0, limit)))]
            ).count
        }
    }

    public func purgeConversations(before cutoff: Instant, limit: Int) async throws -> Int {
        try await write { _ in
            try await exec(
                """
                DELETE FROM conversations WHERE id IN (
                    SELECT id FROM conversations WHERE created_at < ? ORDER BY created_at, id LIMIT ?)
                RETURNING 1
                """,
                [.instant(cutoff), .int(Int64(max(0, limit)))]
            ).count
        }
    }

    public func purgeNotificationLog(before cutoff: Instant, limit: Int) async throws -> Int {
        try await write { _ in
            try await exec(
                """
                DELETE FROM notifications_log WHERE id IN (
                    SELECT n.id FROM notifications_log n WHERE n.created_at < ?
                    AND NOT EXISTS (SELECT 1 FROM flow_instances i WHERE i.id = n.instance_id
                                    AND i.status IN ('running', 'waiting'))
                    ORDER BY n.created_at, n.id LIMIT ?)
                RETURNING 1
                """,
                [.instant(cutoff), .int(Int64(max(0, limit)))]
            ).count
        }
    }

    public func travellerTrace(phone: String?, tripID: String?, agency: String?) async throws -> TravellerTrace {
        try await read { _ in
            let trips = try await exec(
                """
                SELECT id, whatsapp, instance_id FROM trips
                WHERE (?1 IS NULL OR whatsapp = ?1) AND (?2 IS NULL OR id = ?2)
                  AND (?3 IS NULL OR agency_id = ?3 OR agency_id IS NULL)
                ORDER BY id
                """,
                [.optional(phone), .optional(tripID), .optional(agency)])
            var trace = TravellerTrace()
            for row in trips {
                let r = SQLiteRowReader(row)
                trace.tripIDs.append(try r.string("id"))
                trace.phones.insert(try r.string("whatsapp"))
                if let instance = try r.optionalString("instance_id") { trace.instanceIDs.insert(instance) }
            }
            let logKeys = trace.tripIDs + inboundTripIDs(phone)
            if !logKeys.isEmpty {
                let list = logKeys.map { _ in "?" }.joined(separator: ", ")
                let binds: [SQLiteData] = logKeys.map { .text($0) }
                for sql in [
                    "SELECT instance_id FROM itineraries WHERE trip_id IN (\(list)) AND instance_id IS NOT NULL",
                    "SELECT instance_id FROM notifications_log WHERE trip_id IN (\(list)) AND instance_id IS NOT NULL",
                ] {
                    for row in try await exec(sql, binds) { trace.instanceIDs.insert(try SQLiteRowReader(row).string("instance_id")) }
                }
            }
            if let phone {
                for sql in [
                    "SELECT job_id AS instance_id FROM plan_feedback WHERE user_id = ?1 AND (?2 IS NULL OR agency_id = ?2)",
                    "SELECT instance_id FROM suggestion_cooldowns WHERE user_id = ?1 AND (?2 IS NULL OR agency_id = ?2)",
                ] {
                    for row in try await exec(sql, [.text(phone), .optional(agency)]) {
                        trace.instanceIDs.insert(try SQLiteRowReader(row).string("instance_id"))
                    }
                }
            }
            return trace
        }
    }

    public func eraseTraveller(tripIDs: [String], phone: String?, agency: String?) async throws -> [String: Int] {
        try await write { _ in
            var counts = ["trips": 0, "conversations": 0, "itineraries": 0, "documents": 0, "notification_log": 0,
                          "profiles": 0]
            let trips = tripIDs.map { _ in "?" }.joined(separator: ", ")
            counts["documents"] = try await exec(
                """
                DELETE FROM trip_documents WHERE trip_id IN (\(trips.isEmpty ? "NULL" : trips))
                   OR (? IS NOT NULL AND phone = ? AND (? IS NULL OR agency_id = ? OR agency_id IS NULL))
                RETURNING 1
                """,
                tripIDs.map { .text($0) } + [.optional(phone), .optional(phone), .optional(agency), .optional(agency)]
            ).count
            let logKeys = tripIDs + inboundTripIDs(phone)
            let recipients = phone.map { [$0, "whatsapp:" + $0] } ?? []
            if !logKeys.isEmpty || !recipients.isEmpty {
                let keys = logKeys.map { _ in "?" }.joined(separator: ", ")
                let to = recipients.map { _ in "?" }.joined(separator: ", ")
                counts["notification_log"] = try await exec(
                    """
                    UPDATE notifications_log SET recipient = ?, variables = '{}', error = NULL,
                        trip_id = CASE WHEN trip_id LIKE 'inbound:%' THEN 'inbound:erased' ELSE trip_id END
                    WHERE trip_id IN (\(keys.isEmpty ? "NULL" : keys))
                       OR (recipient IN (\(to.isEmpty ? "NULL" : to)) AND (? IS NULL OR agency_id = ? OR agency_id IS NULL))
                    RETURNING 1
                    """,
                    [.text(erasedRecipient)] + logKeys.map { .text($0) } + recipients.map { .text($0) }
                        + [.optional(agency), .optional(agency)]
                ).count
            }
            if !tripIDs.isEmpty {
                let list = tripIDs.map { _ in "?" }.joined(separator: ", ")
                let binds: [SQLiteData] = tripIDs.map { .text($0) }
                counts["conversations"] = try await exec(
                    "DELETE FROM conversations WHERE trip_id IN (\(list)) RETURNING 1", binds).count
                counts["itineraries"] = try await exec(
                    "DELETE FROM itineraries WHERE trip_id IN (\(list)) RETURNING 1", binds).count
                counts["trips"] = try await exec("DELETE FROM trips WHERE id IN (\(list)) RETURNING 1", binds).count
            }
            if let phone {
                var profiles = 0
                for table in ["user_preferences", "plan_feedback", "suggestion_cooldowns"] {
                    profiles += try await exec(
                        "DELETE FROM \(table) WHERE user_id = ?1 AND (?2 IS NULL OR agency_id = ?2) RETURNING 1",
                        [.text(phone), .optional(agency)]).count
                }
                counts["profiles"] = profiles
            }
            return counts
        }
    }
}
