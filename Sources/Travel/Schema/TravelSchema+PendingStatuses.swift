public import FlowRuntime

/// Migration 6: delivery statuses for a message id the notification log does not carry yet
/// (`MessageStatusReport`). One row per message id, merged with `NotificationStatusOrder`; applied
/// and deleted when the send step records the id; rows older than
/// `MessageStatusReport.pendingRetention` (by `received_at`, indexed) are pruned on insert.
extension TravelSchema {
    static func pendingMessageStatuses(_ d: SchemaDialect) -> [String] {
        [
            """
            CREATE TABLE pending_message_statuses (
                message_sid TEXT PRIMARY KEY,
                account_sid TEXT,
                status TEXT NOT NULL,
                error_code TEXT,
                received_at \(d.instant) NOT NULL,
                updated_at \(d.instant) NOT NULL
            )
            """,
            "CREATE INDEX pending_message_statuses_received ON pending_message_statuses (received_at)",
        ]
    }
}
