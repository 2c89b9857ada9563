public import FlowEngine
public import FlowRuntime
import PostgresNIO

/// Retention and erasure of the travel tables on PostgreSQL.
extension PostgresFlowStore: TravellerDataStore {
    public func purgeConversations(before cutoff: Instant, limit: Int) async throws -> Int {
        try await rows(
            """
            DELETE FROM conversations WHERE id IN (
                SELECT id FROM conversations WHERE created_at < \(cutoff.postgres) ORDER BY created_at, id
                LIMIT \(max(0, limit)) FOR UPDATE SKIP LOCKED)
            RETURNING 1
            """
        ).count
    }

    public func purgeNotificationLog(before cutoff: Instant, limit: Int) async throws -> Int {
        try await rows(
            """
            DELETE FROM notifications_log WHERE id IN (
                SELECT n.id FROM notifications_log n WHERE n.created_at < \(cutoff.postgres)
                AND NOT EXISTS (SELECT 1 FROM flow_instances i WHERE i.id = n.instance_id
                                AND i.status IN ('running', 'waiting'))
                ORDER BY n.created_at, n.id LIMIT \(max(0, limit)) FOR UPDATE SKIP LOCKED)
            RETURNING 1
            """
        ).count
    }

    public func purgeDocuments(before cutoff: Instant, limit: Int) async throws -> Int {
        try await rows(
            """
            DELETE FROM trip_documents WHERE id IN (
                SELECT d.id FROM trip_documents d LEFT JOIN trips t ON t.id = d.trip_id
                WHERE COALESCE(t.departure_at, d.received_at) < \(cutoff.postgres)
                ORDER BY d.received_at, d.id LIMIT \(max(0, limit)) FOR UPDATE OF d SKIP LOCKED)
            RETURNING 1
            """
        ).count
    }

    public func travellerTrace(phone: String?, tripID: String?, agency: String?) async throws -> TravellerTrace {
        var trace = TravellerTrace()
        for row in try await rows(
            """
            SELECT id, whatsapp, instance_id FROM trips
            WHERE (\(phone)::text IS NULL OR whatsapp = \(phone)) AND (\(tripID)::text IS NULL OR id = \(tripID))
              AND (\(agency)::text IS NULL OR agency_id = \(agency) OR agency_id IS NULL)
            ORDER BY id
            """
        ) {
            let (id, whatsapp, instance) = try row.decode((String, String, String?).self)
            trace.tripIDs.append(id)
            trace.phones.insert(whatsapp)
            if let instance { trace.instanceIDs.insert(instance) }
        }
        let logKeys = trace.tripIDs + inboundTripIDs(phone)
        for row in try await rows(
            """
            SELECT instance_id FROM itineraries WHERE trip_id = ANY(\(logKeys)) AND instance_id IS NOT NULL
            UNION SELECT instance_id FROM notifications_log WHERE trip_id = ANY(\(logKeys)) AND instance_id IS NOT NULL
            UNION SELECT job_id FROM plan_feedback
                WHERE user_id = \(phone) AND (\(agency)::text IS NULL OR agency_id = \(agency))
            UNION SELECT instance_id FROM suggestion_cooldowns
                WHERE user_id = \(phone) AND (\(agency)::text IS NULL OR agency_id = \(agency))
            """
        ) {
            trace.instanceIDs.insert(try row.decode(String.self))
        }
        return trace
    }

    public func eraseTraveller(tripIDs: [String], phone: String?, agency: String?) async throws -> [String: Int] {
        let logKeys = tripIDs + inboundTripIDs(phone)
        let recipients = phone.map { [$0, "whatsapp:" + $0] } ?? []
        return try await transaction { session in
            var counts = ["trips": 0, "conversations": 0, "itineraries": 0, "documents": 0, "notification_log": 0,
                          "profiles": 0]
            counts["documents"] = try await session.query(
                """
                DELETE FROM trip_documents WHERE trip_id = ANY(\(tripIDs))
                   OR (\(phone)::text IS NOT NULL AND phone = \(phone)
                       AND (\(agency)::text IS NULL OR agency_id = \(agency) OR agency_id IS NULL))
                RETURNING 1
                """
            ).count
            counts["notification_log"] = try await session.query(
                """
                UPDATE notifications_log SET recipient = \(erasedRecipient), variables = '{}'::jsonb, error = NULL,
                    trip_id = CASE WHEN trip_id LIKE 'inbound:%' THEN 'inbound:erased' ELSE trip_id END
                WHERE trip_id = ANY(\(logKeys))
                   OR (recipient = ANY(\(recipients))
                       AND (\(agency)::text IS NULL OR agency_id = \(agency) OR agency_id IS NULL))
                RETURNING 1
                """
            ).count
            counts["conversations"] = try await session.query(
                "DELETE FROM conversations WHERE trip_id = ANY(\(tripIDs)) RETURNING 1").count
            counts["itineraries"] = try await session.query(
                "DELETE FROM itineraries WHERE trip_id = ANY(\(tripIDs)) RETURNING 1").count
            counts["trips"] = try await session.query("DELETE FROM trips WHERE id = ANY(\(tripIDs)) RETURNING 1").count
            if let phone {
                let preferences = try await session.query(
                    """
                    DELETE FROM user_preferences WHERE user_id = \(phone)
                    AND (\(agency)::text IS NULL OR agency_id = \(agency)) RETURNING 1
                    """).count
                let feedback = try await session.query(
                    """
                    DELETE FROM plan_feedback WHERE user_id = \(phone)
                    AND (\(agency)::text IS NULL OR agency_id = \(agency)) RETURNING 1
                    """).count
                let cooldowns = try await session.query(
                    """
                    DELETE FROM suggestion_cooldowns WHERE user_id = \(phone)
                    AND (\(agency)::text IS NULL OR agency_id = \(agency)) RETURNING 1
                    """).count
                counts["profiles"] = preferences + feedback + cooldowns
            }
            return counts
        }
    }
}
