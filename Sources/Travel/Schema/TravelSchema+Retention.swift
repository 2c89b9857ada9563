public import FlowRuntime

/// Migration 16: the indexes retention and erasure read by — conversation turns and notification-log
/// rows by age (`TravelRetention`), trips by WhatsApp number (an erasure by phone, `trips.for_traveller`).
extension TravelSchema {
    static func retentionIndexes(_ d: SchemaDialect) -> [String] {
        [
            "CREATE INDEX conversations_created ON conversations (created_at, id)",
            "CREATE INDEX notifications_log_created ON notifications_log (created_at, id)",
            "CREATE INDEX trips_whatsapp ON trips (whatsapp, agency_id)",
        ]
    }
}
