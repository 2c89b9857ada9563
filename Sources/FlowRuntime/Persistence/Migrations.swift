import FlowEngine

/// One schema change: a version, a name, and the statements that apply it.
struct Migration: Sendable {
    let version: Int
    let name: String
    let statements: [String]
}

/// The ordered schema migrations, written once for both backends through `SchemaDialect`.
///
/// Each migration is applied in one transaction together with its `schema_migrations` row, so
/// a migration is either wholly applied or not at all; `migrate()` is idempotent. Never edit a
/// released migration: append a new one. The notification type CHECK is a closed list (R16):
/// `notificationTypes` is what the current schema allows; adding a type needs a new migration
/// that replaces the constraint (see `inboundNotificationType`).
enum Migrations {
    /// The bookkeeping table, created before anything else.
    static func bookkeeping(_ d: SchemaDialect) -> String {
        """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            applied_at \(d.instant) NOT NULL DEFAULT \(d.now)
        )
        """
    }

    /// All migrations for a backend, in ascending version order.
    static func all(_ d: SchemaDialect) -> [Migration] {
        [
            Migration(version: 1, name: "runtime", statements: runtime(d)),
            Migration(version: 2, name: "agencies", statements: agencies(d)),
            Migration(version: 3, name: "travel", statements: travel(d)),
            Migration(version: 4, name: "claim_index_and_last_seq", statements: claimIndexAndLastSequence(d)),
            Migration(version: 5, name: "inbound_notification_type", statements: inboundNotificationType(d)),
            Migration(version: 6, name: "pending_message_statuses", statements: pendingMessageStatuses(d)),
        ]
    }

    static let instanceStatuses = InstanceStatus.allCases.map(\.rawValue)
    static let effectStatuses = ["pending", "done", "failed", "in_doubt"]
    static let approvalStatuses = ["pending", "approved", "rejected", "expired", "cancelled"]

    /// Definitions, instances, history, inbox, effect ledger, approvals, schedule fires.
    static func runtime(_ d: SchemaDialect) -> [String] {
        [
            """
            CREATE TABLE flow_definitions (
                hash TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                version INTEGER NOT NULL,
                source TEXT NOT NULL,
                created_at \(d.instant) NOT NULL,
                UNIQUE (name, version)
            )
            """,
            """
            CREATE TABLE flow_instances (
                id TEXT PRIMARY KEY,
                flow TEXT NOT NULL,
                definition_hash TEXT NOT NULL REFERENCES flow_definitions (hash),
                agency_id TEXT,
                status TEXT NOT NULL \(d.check("status", in: instanceStatuses)),
                \(d.json("state", verbatim: true)),
                \(d.json("settings", verbatim: true)),
                wake_at \(d.instant),
                lease_owner TEXT,
                lease_until \(d.instant),
                idempotency_key TEXT UNIQUE,
                created_at \(d.instant) NOT NULL,
                updated_at \(d.instant) NOT NULL
            )
            """,
            "CREATE INDEX flow_instances_due ON flow_instances (status, wake_at)",
            "CREATE INDEX flow_instances_flow ON flow_instances (flow, status)",
            "CREATE INDEX flow_instances_agency ON flow_instances (agency_id, status)",
            """
            CREATE TABLE instance_events (
                instance_id TEXT NOT NULL REFERENCES flow_instances (id) ON DELETE CASCADE,
                seq BIGINT NOT NULL,
                at \(d.instant) NOT NULL,
                kind TEXT NOT NULL,
                \(d.json("details")),
                PRIMARY KEY (instance_id, seq)
            )
            """,
            """
            CREATE TABLE instance_inbox (
                id \(d.serialKey),
                instance_id TEXT NOT NULL REFERENCES flow_instances (id) ON DELETE CASCADE,
                kind TEXT NOT NULL,
                \(d.json("payload")),
                dedup_key TEXT UNIQUE,
                at \(d.instant) NOT NULL,
                consumed_at \(d.instant)
            )
            """,
            "CREATE INDEX instance_inbox_pending ON instance_inbox (instance_id) WHERE consumed_at IS NULL",
            """
            CREATE TABLE effects (
                key TEXT PRIMARY KEY,
                instance_id TEXT NOT NULL,
                step TEXT NOT NULL,
                status TEXT NOT NULL \(d.check("status", in: effectStatuses)),
                \(d.json("request")),
                \(d.json("result", nullable: true)),
                provider_id TEXT,
                started_at \(d.instant) NOT NULL,
                completed_at \(d.instant)
            )
            """,
            "CREATE INDEX effects_open ON effects (status, started_at)",
            "CREATE INDEX effects_instance ON effects (instance_id)",
            """
            CREATE TABLE approvals (
                id TEXT PRIMARY KEY,
                instance_id TEXT NOT NULL REFERENCES flow_instances (id) ON DELETE CASCADE,
                state TEXT NOT NULL,
                \(d.json("request")),
                status TEXT NOT NULL DEFAULT 'pending' \(d.check("status", in: approvalStatuses)),
                decided_by TEXT,
                decided_at \(d.instant),
                notes TEXT,
                created_at \(d.instant) NOT NULL DEFAULT \(d.now)
            )
            """,
            "CREATE INDEX approvals_instance ON approvals (instance_id, status)",
            """
            CREATE TABLE schedule_fires (
                flow TEXT NOT NULL,
                trigger_index INTEGER NOT NULL,
                fire_at \(d.instant) NOT NULL,
                claimed_at \(d.instant) NOT NULL DEFAULT \(d.now),
                PRIMARY KEY (flow, trigger_index, fire_at)
            )
            """,
        ]
    }

    /// One-round-trip transitions: the instance row keeps its last history sequence number
    /// (`last_seq`, so a commit appends without reading `MAX(seq)`), and claiming scans a partial
    /// index of the instances that can be due, in wake-up order (`FOR UPDATE SKIP LOCKED` stops
    /// after `limit` rows instead of filtering the whole table).
    static func claimIndexAndLastSequence(_ d: SchemaDialect) -> [String] {
        [
            "ALTER TABLE flow_instances ADD COLUMN last_seq BIGINT NOT NULL DEFAULT 0",
            """
            UPDATE flow_instances SET last_seq = COALESCE(
                (SELECT MAX(e.seq) FROM instance_events e WHERE e.instance_id = flow_instances.id), 0)
            """,
            "DROP INDEX flow_instances_due",
            """
            CREATE INDEX flow_instances_wake ON flow_instances (wake_at, id)
            WHERE status IN ('running', 'waiting')
            """,
        ]
    }

    /// Agencies and their overrides with an audit trail.
    static func agencies(_ d: SchemaDialect) -> [String] {
        [
            """
            CREATE TABLE agencies (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                email TEXT UNIQUE,
                phone TEXT,
                website TEXT,
                country TEXT NOT NULL DEFAULT 'AR',
                status TEXT NOT NULL DEFAULT 'active' \(d.check("status", in: ["active", "suspended", "pending"])),
                \(d.json("branding", nullable: true)),
                pricing_tier TEXT NOT NULL DEFAULT 'startup'
                    \(d.check("pricing_tier", in: ["startup", "growth", "enterprise"])),
                created_at \(d.instant) NOT NULL DEFAULT \(d.now),
                updated_at \(d.instant) NOT NULL DEFAULT \(d.now)
            )
            """,
            """
            CREATE TABLE agency_overrides (
                agency_id TEXT PRIMARY KEY REFERENCES agencies (id) ON DELETE CASCADE,
                version INTEGER NOT NULL,
                source TEXT NOT NULL,
                updated_by TEXT,
                updated_at \(d.instant) NOT NULL DEFAULT \(d.now)
            )
            """,
            """
            CREATE TABLE agency_override_audit (
                id \(d.serialKey),
                agency_id TEXT NOT NULL,
                version INTEGER NOT NULL,
                previous_source TEXT,
                source TEXT NOT NULL,
                changed_by TEXT,
                note TEXT,
                changed_at \(d.instant) NOT NULL DEFAULT \(d.now)
            )
            """,
            "CREATE INDEX agency_override_audit_agency ON agency_override_audit (agency_id, changed_at)",
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
            notificationsLog(d, named: "notifications_log", types: notificationTypesV3),
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
