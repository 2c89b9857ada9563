import FlowEngine

/// One schema change: a version, a name, and the statements that apply it.
public struct Migration: Sendable {
    public let version: Int
    public let name: String
    public let statements: [String]

    public init(version: Int, name: String, statements: [String]) {
        self.version = version
        self.name = name
        self.statements = statements
    }
}

/// The tables a product adds to the runtime's schema: its migrations for each SQL dialect, with
/// versions disjoint from the runtime's (`Migrations.runtimeVersions`). The stores apply the
/// runtime's and the product's in one ascending order.
public struct ProductSchema: Sendable {
    public var migrations: @Sendable (SchemaDialect) -> [Migration]

    public init(migrations: @escaping @Sendable (SchemaDialect) -> [Migration]) {
        self.migrations = migrations
    }

    /// No tables of its own.
    public static let none = ProductSchema { _ in [] }
}

/// The ordered schema migrations, written once for both backends through `SchemaDialect`.
///
/// Each migration is applied in one transaction together with its `schema_migrations` row, so
/// a migration is either wholly applied or not at all; `migrate()` is idempotent. Never edit a
/// released migration: append a new one. A product's tables are its own migrations
/// (`ProductSchema`), applied with the runtime's in version order.
package enum Migrations {
    /// The bookkeeping table, created before anything else.
    package static func bookkeeping(_ d: SchemaDialect) -> String {
        """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            applied_at \(d.instant) NOT NULL DEFAULT \(d.now)
        )
        """
    }

    /// The runtime's migrations for a backend, in ascending version order (3, 5, 6 and 7 are the
    /// travel product's, from when both lived in one module).
    package static func runtime(_ d: SchemaDialect) -> [Migration] {
        [
            Migration(version: 1, name: "runtime", statements: runtimeTables(d)),
            Migration(version: 2, name: "agencies", statements: agencies(d)),
            Migration(version: 4, name: "claim_index_and_last_seq", statements: claimIndexAndLastSequence(d)),
            Migration(version: 8, name: "drop_unused_tables", statements: dropUnusedTables(d)),
            Migration(version: 9, name: "api_keys", statements: apiKeys(d)),
            Migration(version: 10, name: "approvals", statements: approvals(d)),
            Migration(version: 11, name: "agency_overrides", statements: agencyOverrides(d)),
            Migration(version: 13, name: "runtime_secrets", statements: runtimeSecrets(d)),
            Migration(version: 17, name: "erasures_and_retention", statements: erasuresAndRetention(d)),
        ]
    }

    /// The runtime's migrations and `product`'s, in ascending version order.
    package static func all(_ d: SchemaDialect, adding product: ProductSchema) -> [Migration] {
        (runtime(d) + product.migrations(d)).sorted { $0.version < $1.version }
    }

    static let instanceStatuses = InstanceStatus.allCases.map(\.rawValue)
    static let effectStatuses = ["pending", "done", "failed", "in_doubt"]
    /// Migration 1's `approvals` table (dropped by migration 8).
    static let approvalStatuses = ["pending", "approved", "rejected", "expired", "cancelled"]
    
    /// Definitions, instances, history, inbox, effect ledger, approvals, schedule fires.
    static func runtimeTables(_ d: SchemaDialect) -> [String] {
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

    /// Migration 8: the tables that were created and never used; approvals and agency overrides
    /// get tables of their own when they are built.
    static func dropUnusedTables(_ d: SchemaDialect) -> [String] {
        ["DROP TABLE approvals", "DROP TABLE agency_override_audit", "DROP TABLE agency_overrides"]
    }

    /// Migration 9: the daemon's API keys. Only a SHA-256 digest of each secret is stored.
    static func apiKeys(_ d: SchemaDialect) -> [String] {
        [
            """
            CREATE TABLE api_keys (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                agency_id TEXT,
                admin INTEGER NOT NULL DEFAULT 0 CHECK (admin IN (0, 1)),
                secret_digest TEXT NOT NULL,
                created_at \(d.instant) NOT NULL,
                revoked_at \(d.instant),
                CHECK (admin = 1 OR agency_id IS NOT NULL)
            )
            """,
            "CREATE INDEX api_keys_agency ON api_keys (agency_id, created_at)",
        ]
    }

    /// Migration 10: approvals people decide (`ApprovalStore`); migration 8 dropped an older, unused
    /// table of the same name. `decision_values` because `values` is an SQL keyword.
    static func approvals(_ d: SchemaDialect) -> [String] {
        [
            """
            CREATE TABLE approvals (
                id TEXT PRIMARY KEY,
                approval_id TEXT NOT NULL,
                instance_id TEXT NOT NULL REFERENCES flow_instances (id) ON DELETE CASCADE,
                agency_id TEXT,
                flow TEXT NOT NULL,
                state TEXT NOT NULL,
                kind TEXT,
                \(d.json("request")),
                \(d.json("approvers")),
                expires_at \(d.instant),
                requested_at \(d.instant) NOT NULL,
                status TEXT NOT NULL DEFAULT 'pending'
                    \(d.check("status", in: ApprovalRecord.Status.allCases.map(\.rawValue))),
                decided_by TEXT,
                decided_at \(d.instant),
                notes TEXT,
                \(d.json("decision_values", nullable: true))
            )
            """,
            "CREATE INDEX approvals_by_agency ON approvals (agency_id, status, requested_at, id)",
            "CREATE INDEX approvals_by_instance ON approvals (instance_id, status)",
        ]
    }

    /// Migration 11: agencies' overrides documents changed without a deploy (`OverrideStore`), one
    /// row per revision — the highest is in effect, all of them are the audit trail. Migration 8
    /// dropped an older, unused table of the same name.
    static func agencyOverrides(_ d: SchemaDialect) -> [String] {
        [
            """
            CREATE TABLE agency_overrides (
                agency_id TEXT NOT NULL,
                revision INTEGER NOT NULL CHECK (revision > 0),
                source TEXT NOT NULL,
                hash TEXT NOT NULL,
                changed_by TEXT NOT NULL,
                changed_at \(d.instant) NOT NULL,
                PRIMARY KEY (agency_id, revision)
            )
            """,
        ]
    }

    /// Migration 13: secrets the daemons of one database share, generated by the first that needs one
    /// (`ApprovalStore.approvalLinkSecret`: the key approval links are signed with).
    static func runtimeSecrets(_ d: SchemaDialect) -> [String] {
        ["CREATE TABLE runtime_secrets (name TEXT PRIMARY KEY, value TEXT NOT NULL)"]
    }

    /// Migration 17: the audit of erasures (`ErasureLog`: kinds and counts, never the erased values), and
    /// the indexes retention and erasure read by: finished instances by age, an instance's inbox rows.
    static func erasuresAndRetention(_ d: SchemaDialect) -> [String] {
        [
            """
            CREATE TABLE erasures (
                id TEXT PRIMARY KEY,
                agency_id TEXT,
                subject TEXT NOT NULL \(d.check("subject", in: ["phone", "trip"])),
                \(d.json("counts")),
                erased_by TEXT,
                erased_at \(d.instant) NOT NULL
            )
            """,
            "CREATE INDEX erasures_agency ON erasures (agency_id, erased_at)",
            """
            CREATE INDEX flow_instances_finished ON flow_instances (updated_at, id)
            WHERE status IN ('succeeded', 'failed', 'cancelled')
            """,
            "CREATE INDEX instance_inbox_instance ON instance_inbox (instance_id)",
        ]
    }
}
