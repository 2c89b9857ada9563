public import FlowRuntime

/// Migration 5: inbound WhatsApp messages are recorded in the notification log (type
/// `whatsapp.inbound`, key `MessageSid`, the deduplication of `POST /webhooks/twilio/inbound`),
/// which the type CHECK of migration 3 refused. PostgreSQL replaces the constraint; SQLite, which
/// cannot alter a CHECK, rebuilds the table with its rows and indexes.
extension TravelSchema {
    /// The types migration 3 allowed (frozen: migration 3 never changes).
    static let notificationTypesV3 = [
        "RESERVATION_CONFIRMATION", "REMINDER_24H", "DELAYED", "GATE_CHANGE", "CANCELLED", "DIVERTED", "BOARDING",
        "LANDING_WELCOME", "ITINERARY_READY",
    ]
    /// The type inbound messages are logged under (`StoreTwilioWebhookSink.inboundType`).
    static let inboundMessageType = "whatsapp.inbound"
    /// The types migration 5 allowed (frozen; migration 7 opens the list).
    static var notificationTypes: [String] { notificationTypesV3 + [inboundMessageType] }

    static func inboundNotificationType(_ d: SchemaDialect) -> [String] {
        switch d.backend {
        case .postgres:
            return [
                "ALTER TABLE notifications_log DROP CONSTRAINT notifications_log_type_check",
                "ALTER TABLE notifications_log ADD CONSTRAINT notifications_log_type_check "
                    + d.check("type", in: notificationTypes),
            ]
        case .sqlite:
            return [
                notificationsLog(d, named: "notifications_log_v5", typeCheck: d.check("type", in: notificationTypes)),
                "INSERT INTO notifications_log_v5 SELECT * FROM notifications_log",
                "DROP TABLE notifications_log",
                "ALTER TABLE notifications_log_v5 RENAME TO notifications_log",
                "CREATE INDEX notifications_log_agency ON notifications_log (agency_id, created_at)",
                "CREATE INDEX notifications_log_provider ON notifications_log (provider_id)",
            ]
        }
    }

    /// The notification log table (migration 3's definition) under `name`, its type column checked by `typeCheck`.
    static func notificationsLog(_ d: SchemaDialect, named name: String, typeCheck: String) -> String {
        """
        CREATE TABLE \(name) (
            id \(d.serialKey),
            trip_id TEXT NOT NULL,
            agency_id TEXT,
            instance_id TEXT,
            type TEXT NOT NULL \(typeCheck),
            key TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'claimed',
            provider_id TEXT,
            error TEXT,
            recipient TEXT NOT NULL,
            template TEXT NOT NULL,
            \(d.json("variables")),
            created_at \(d.instant) NOT NULL,
            updated_at \(d.instant) NOT NULL,
            UNIQUE (trip_id, type, key)
        )
        """
    }
}
