public import FlowRuntime

/// Migration 7: a notification type is whatever a flow declares. The log's type CHECK (migrations 3
/// and 5) meant that a product team adding a message type needed a Swift change and a schema
/// migration; the type is now any non-empty text of at most 64 characters. PostgreSQL replaces the
/// constraint; SQLite, which cannot alter a CHECK, rebuilds the table with its rows and indexes.
/// `flight_status_history`, created and never used, is dropped (the runtime's migration 8 drops its
/// own unused tables).
extension TravelSchema {
    /// The check every notification type passes from migration 7 on.
    static func openNotificationType(_ d: SchemaDialect) -> String {
        "CHECK (length(type) BETWEEN 1 AND 64)"
    }

    static func openNotificationTypes(_ d: SchemaDialect) -> [String] {
        switch d.backend {
        case .postgres:
            return [
                "ALTER TABLE notifications_log DROP CONSTRAINT notifications_log_type_check",
                "ALTER TABLE notifications_log ADD CONSTRAINT notifications_log_type_check " + openNotificationType(d),
                "DROP TABLE flight_status_history",
            ]
        case .sqlite:
            return [
                notificationsLog(d, named: "notifications_log_v7", typeCheck: openNotificationType(d)),
                "INSERT INTO notifications_log_v7 SELECT * FROM notifications_log",
                "DROP TABLE notifications_log",
                "ALTER TABLE notifications_log_v7 RENAME TO notifications_log",
                "CREATE INDEX notifications_log_agency ON notifications_log (agency_id, created_at)",
                "CREATE INDEX notifications_log_provider ON notifications_log (provider_id)",
                "DROP TABLE flight_status_history",
            ]
        }
    }
}
