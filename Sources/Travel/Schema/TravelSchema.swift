public import FlowRuntime

/// The travel product's tables: its migrations, with the runtime's version numbers kept from when
/// both lived in one module (3, 5, 6, 7), then 12, 14, 15 and 16; the runtime has 1, 2, 4, 8–11, 13 and 17.
public enum TravelSchema {
    /// What the stores apply besides the runtime's migrations.
    public static let schema = ProductSchema { d in
        [
            Migration(version: 3, name: "travel", statements: travel(d)),
            Migration(version: 5, name: "inbound_notification_type", statements: inboundNotificationType(d)),
            Migration(version: 6, name: "pending_message_statuses", statements: pendingMessageStatuses(d)),
            Migration(version: 7, name: "open_notification_types", statements: openNotificationTypes(d)),
            Migration(version: 12, name: "user_profiles", statements: profiles(d)),
            Migration(version: 14, name: "trip_documents", statements: documents(d)),
            Migration(version: 15, name: "agency_portal", statements: portal(d)),
            Migration(version: 16, name: "retention_indexes", statements: retentionIndexes(d)),
        ]
    }

    /// The travel domain: trips, the notification log, flight status history, conversations, itineraries.
    static func travel(_ d: SchemaDialect) -> [String] {
        [
            // Scheduled, estimated and actual times are separate columns (R3), all UTC (R2).
            """
            CREATE TABLE trips (
                id TEXT PRIMARY KEY,
                agency_id TEXT REFERENCES agencies (id),
                client_name TEXT NOT NULL,
                whatsapp TEXT NOT NULL,
                flight_number TEXT NOT NULL,
                origin TEXT NOT NULL CHECK (length(origin) = 3),
                destination TEXT NOT NULL CHECK (length(destination) = 3),
                departure_at \(d.instant) NOT NULL,
                estimated_departure_at \(d.instant),
                actual_departure_at \(d.instant),
                estimated_arrival_at \(d.instant),
                actual_arrival_at \(d.instant),
                gate_origin TEXT,
                gate_destination TEXT,
                flight_status TEXT,
                stay TEXT,
                notes TEXT,
                client_description TEXT,
                language TEXT NOT NULL DEFAULT 'es',
                \(d.json("metadata", nullable: true)),
                instance_id TEXT,
                created_at \(d.instant) NOT NULL DEFAULT \(d.now),
                updated_at \(d.instant) NOT NULL DEFAULT \(d.now)
            )
            """,
            "CREATE INDEX trips_agency ON trips (agency_id, departure_at)",
            notificationsLog(d, named: "notifications_log", typeCheck: d.check("type", in: notificationTypesV3)),
            "CREATE INDEX notifications_log_agency ON notifications_log (agency_id, created_at)",
            "CREATE INDEX notifications_log_provider ON notifications_log (provider_id)",
            """
            CREATE TABLE flight_status_history (
                id \(d.serialKey),
                trip_id TEXT NOT NULL REFERENCES trips (id) ON DELETE CASCADE,
                flight_number TEXT NOT NULL,
                flight_date TEXT NOT NULL,
                status TEXT NOT NULL,
                gate_origin TEXT,
                gate_destination TEXT,
                terminal_origin TEXT,
                terminal_destination TEXT,
                scheduled_out \(d.instant),
                estimated_out \(d.instant),
                actual_out \(d.instant),
                scheduled_in \(d.instant),
                estimated_in \(d.instant),
                actual_in \(d.instant),
                cancelled BOOLEAN NOT NULL DEFAULT FALSE,
                diverted BOOLEAN NOT NULL DEFAULT FALSE,
                \(d.json("raw_data", nullable: true)),
                source TEXT NOT NULL DEFAULT 'aeroapi' \(d.check("source", in: ["aeroapi", "manual", "webhook"])),
                recorded_at \(d.instant) NOT NULL DEFAULT \(d.now)
            )
            """,
            "CREATE INDEX flight_status_history_trip ON flight_status_history (trip_id, recorded_at)",
            """
            CREATE TABLE conversations (
                id \(d.serialKey),
                trip_id TEXT REFERENCES trips (id) ON DELETE CASCADE,
                agency_id TEXT,
                sender TEXT NOT NULL \(d.check("sender", in: ["user", "bot", "agent"])),
                message TEXT NOT NULL,
                intent TEXT,
                provider_id TEXT,
                created_at \(d.instant) NOT NULL DEFAULT \(d.now)
            )
            """,
            "CREATE INDEX conversations_trip ON conversations (trip_id, created_at)",
            """
            CREATE TABLE itineraries (
                id TEXT PRIMARY KEY,
                trip_id TEXT NOT NULL REFERENCES trips (id) ON DELETE CASCADE,
                agency_id TEXT,
                instance_id TEXT,
                version INTEGER NOT NULL DEFAULT 1,
                status TEXT NOT NULL DEFAULT 'draft'
                    \(d.check("status", in: ["draft", "approved", "rejected", "regenerating"])),
                raw_prompt TEXT,
                raw_response TEXT,
                \(d.json("parsed_itinerary")),
                generated_at \(d.instant) NOT NULL DEFAULT \(d.now),
                UNIQUE (trip_id, version)
            )
            """,
        ]
    }
}
