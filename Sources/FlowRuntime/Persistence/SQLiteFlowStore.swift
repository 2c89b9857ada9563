public import FlowEngine
import Logging
import NIOPosix
package import SQLiteNIO

/// The embedded default store: one SQLite file (WAL mode, busy timeout), or `:memory:` for tests.
///
/// All work goes through one connection, serialised by a lock; writes run in `BEGIN IMMEDIATE`
/// transactions, so several processes (or several stores) on one file still claim safely.
/// Instants are stored as integer epoch milliseconds (UTC).
public final class SQLiteFlowStore: FlowStore {
    /// Where the database lives.
    public enum Location: Sendable, Hashable {
        case file(path: String)
        case memory
    }

    let connection: SQLiteConnection
    /// The connection's own thread: a writer waiting out another process's lock blocks only it.
    let threadPool: NIOThreadPool
    let lock = SerialLock()
    public let location: Location

    private init(connection: SQLiteConnection, threadPool: NIOThreadPool, location: Location) {
        self.connection = connection
        self.threadPool = threadPool
        self.location = location
    }

    /// Opens (creating if needed) the database and applies pending migrations (the runtime's and
    /// `product`'s).
    ///
    /// - Parameter busyTimeout: how long a writer waits for another process's write lock.
    public static func open(
        _ location: Location, busyTimeout: TimeSpan = .seconds(10), migrate: Bool = true,
        adding product: ProductSchema = .none
    ) async throws -> SQLiteFlowStore {
        let storage: SQLiteConnection.Storage
        switch location {
        case .file(let path): storage = .file(path: path)
        case .memory: storage = .memory
        }
        let threadPool = NIOThreadPool(numberOfThreads: 1)
        threadPool.start()
        let connection: SQLiteConnection
        do {
            connection = try await SQLiteConnection.open(
                storage: storage, threadPool: threadPool, logger: Logger(label: "flow.store.sqlite"),
                on: MultiThreadedEventLoopGroup.singleton.any()
            )
        } catch {
            try? await threadPool.shutdownGracefully()
            throw StoreError(.unavailable, "cannot open SQLite database: \(error)")
        }
        let store = SQLiteFlowStore(connection: connection, threadPool: threadPool, location: location)
        do {
            // sqlite3_busy_timeout replaces SQLiteNIO's spin-forever busy handler with a bounded wait.
            _ = try await connection.query("PRAGMA busy_timeout = \(max(0, busyTimeout.milliseconds))")
            _ = try await connection.query("PRAGMA foreign_keys = ON")
            if case .file = location {
                _ = try await connection.query("PRAGMA journal_mode = WAL")
                _ = try await connection.query("PRAGMA synchronous = NORMAL")
            }
            if migrate { try await store.migrate(adding: product) }
        } catch {
            try? await store.close()
            throw error
        }
        return store
    }

    /// Closes the connection; the store cannot be used afterwards.
    public func close() async throws {
        try await lock.run {
            try await connection.close()
            try await threadPool.shutdownGracefully()
        }
    }

    // MARK: Transactions

    /// Runs `body` in an immediate (write-locking) transaction.
    package func write<Result>(_ body: (SQLiteConnection) async throws -> Result) async throws -> Result {
        try await lock.run {
            try await exec("BEGIN IMMEDIATE")
            do {
                let result = try await body(connection)
                try await exec("COMMIT")
                return result
            } catch {
                _ = try? await connection.query("ROLLBACK")
                throw error
            }
        }
    }

    /// Runs `body` with the connection, outside a transaction (single-statement reads).
    package func read<Result>(_ body: (SQLiteConnection) async throws -> Result) async throws -> Result {
        try await lock.run { try await body(connection) }
    }

    @discardableResult
    package func exec(_ sql: String, _ binds: [SQLiteData] = []) async throws -> [SQLiteRow] {
        do {
            return try await connection.query(sql, binds)
        } catch let error as StoreError {
            throw error
        } catch let error as SQLiteError {
            switch error.reason {
            case .constraint, .constraintCheckFailed, .constraintForeignKeyFailed, .constraintNotNullFailed,
                 .constraintPrimaryKeyFailed, .constraintUniqueFailed:
                throw StoreError(.conflict, "SQLite: \(error)")
            default:
                throw StoreError(.unavailable, "SQLite: \(error)")
            }
        } catch {
            throw StoreError(.unavailable, "SQLite: \(error)")
        }
    }

    // MARK: Migrations

    public func migrate() async throws { try await migrate(adding: .none) }

    /// Applies the runtime's pending migrations and `product`'s, in version order; idempotent.
    public func migrate(adding product: ProductSchema) async throws {
        let dialect = SchemaDialect.sqlite
        try await write { _ in
            try await exec(Migrations.bookkeeping(dialect))
            let applied = Set(try await exec("SELECT version FROM schema_migrations").compactMap {
                $0.column("version")?.integer
            })
            for migration in Migrations.all(dialect, adding: product) where !applied.contains(Int(migration.version)) {
                for statement in migration.statements { try await exec(statement) }
                try await exec(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    [.integer(migration.version), .text(migration.name), .instant(StoreCoding.wallClock())]
                )
            }
        }
    }

    /// Versions recorded in `schema_migrations`, ascending.
    public func appliedMigrations() async throws -> [Int] {
        try await read { _ in
            let table = try await exec(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
            )
            if table.isEmpty { return [] }
            return try await exec("SELECT version FROM schema_migrations ORDER BY version").compactMap {
                $0.column("version")?.integer
            }
        }
    }

    // MARK: Definitions

    public func saveDefinition(_ definition: StoredDefinition) async throws {
        try await write { _ in
            _ = try await exec(
                """
                INSERT INTO flow_definitions (hash, name, version, source, created_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (hash) DO NOTHING
                """,
                [.text(definition.hash), .text(definition.name), .integer(definition.version),
                 .text(definition.source), .instant(definition.createdAt)]
            )
        }
    }

    public func definition(hash: String) async throws -> StoredDefinition? {
        try await read { _ in
            try await exec(
                "SELECT hash, name, version, source, created_at FROM flow_definitions WHERE hash = ?", [.text(hash)]
            ).first.map(Self.storedDefinition)
        }
    }

    public func definitions(name: String) async throws -> [StoredDefinition] {
        try await read { _ in
            try await exec(
                """
                SELECT hash, name, version, source, created_at FROM flow_definitions WHERE name = ?
                ORDER BY created_at DESC, hash
                """, [.text(name)]
            ).map(Self.storedDefinition)
        }
    }

    static func storedDefinition(_ row: SQLiteRow) throws -> StoredDefinition {
        let r = SQLiteRowReader(row)
        return StoredDefinition(
            name: try r.string("name"), hash: try r.string("hash"), version: Int(try r.int("version")),
            source: try r.string("source"), createdAt: try r.instant("created_at"))
    }

    // MARK: Instances

    static let instanceColumns = """
        id, flow, definition_hash, agency_id, status, state, settings, wake_at, idempotency_key, \
        lease_owner, lease_until, created_at, updated_at
        """

    public func createInstance(_ instance: InstanceRecord, history: [HistoryEntry]) async throws -> CreateInstanceResult {
        try await write { _ in
            let inserted = try await exec(
                """
                INSERT INTO flow_instances (\(Self.instanceColumns), last_seq)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT DO NOTHING RETURNING id
                """,
                [.text(instance.id), .text(instance.flow), .text(instance.definitionHash), .optional(instance.agencyID),
                 .text(instance.status.rawValue), .text(instance.state), .text(instance.settings),
                 .instant(instance.wakeAt), .optional(instance.idempotencyKey), .optional(instance.leaseOwner),
                 .instant(instance.leaseUntil), .instant(instance.createdAt), .instant(instance.updatedAt),
                 .integer(history.count)]
            )
            if inserted.isEmpty {
                guard let key = instance.idempotencyKey,
                      let existing = try await fetchInstance("idempotency_key = ?", [.text(key)])
                else {
                    throw StoreError(.conflict, "instance '\(instance.id)' already exists")
                }
                return .existing(existing)
            }
            try await appendHistory(instanceID: instance.id, after: 0, history)
            return .created(instance)
        }
    }

    public func instance(id: String) async throws -> InstanceRecord? {
        try await read { _ in try await fetchInstance("id = ?", [.text(id)]) }
    }

    public func instances(matching filter: InstanceFilter) async throws -> [InstanceRecord] {
        var conditions: [String] = []
        var binds: [SQLiteData] = []
        if let flow = filter.flow { conditions.append("flow = ?"); binds.append(.text(flow)) }
        if let agency = filter.agencyID { conditions.append("agency_id = ?"); binds.append(.text(agency)) }
        if let status = filter.status { conditions.append("status = ?"); binds.append(.text(status.rawValue)) }
        if let from = filter.createdFrom { conditions.append("created_at >= ?"); binds.append(.instant(from)) }
        if let before = filter.createdBefore { conditions.append("created_at < ?"); binds.append(.instant(before)) }
        if let after = filter.after {
            conditions.append("(created_at > ? OR (created_at = ? AND id > ?))")
            binds += [.instant(after.createdAt), .instant(after.createdAt), .text(after.id)]
        }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        binds.append(.integer(max(0, filter.limit)))
        let sql = "SELECT \(Self.instanceColumns) FROM flow_instances \(whereClause) ORDER BY created_at, id LIMIT ?"
        return try await read { _ in try await exec(sql, binds).map(Self.instanceRecord) }
    }

    public func instanceCounts(flow: String?) async throws -> [InstanceStatus: Int] {
        let sql = "SELECT status, COUNT(*) AS n FROM flow_instances WHERE (? IS NULL OR flow = ?) GROUP BY status"
        let binds: [SQLiteData] = flow.map { [.text($0), .text($0)] } ?? [.null, .null]
        return try await read { _ in
            var counts: [InstanceStatus: Int] = [:]
            for row in try await exec(sql, binds) {
                let reader = SQLiteRowReader(row)
                guard let status = InstanceStatus(rawValue: try reader.string("status")) else { continue }
                counts[status] = Int(try reader.int("n"))
            }
            return counts
        }
    }

    public func commit(_ transition: TransitionRecord, owner: String) async throws {
        try await write { _ in
            let updated = try await exec(
                """
                UPDATE flow_instances
                SET state = ?, status = ?, wake_at = ?, updated_at = ?, lease_owner = ?, lease_until = ?,
                    last_seq = last_seq + ?
                WHERE id = ? AND lease_owner = ?
                RETURNING last_seq
                """,
                [.text(transition.state), .text(transition.status.rawValue), .instant(transition.wakeAt),
                 .instant(transition.at), transition.keepLeaseUntil == nil ? .null : .text(owner),
                 .instant(transition.keepLeaseUntil), .integer(transition.history.count), .text(transition.instanceID),
                 .text(owner)]
            )
            guard let row = updated.first else {
                throw try await leaseFailure(instanceID: transition.instanceID, owner: owner)
            }
            let last = try SQLiteRowReader(row).int("last_seq")
            try await appendHistory(
                instanceID: transition.instanceID, after: last - Int64(transition.history.count), transition.history)
            for event in transition.consumedEvents {
                try await exec(
                    "UPDATE instance_inbox SET consumed_at = ? WHERE id = ? AND instance_id = ? AND consumed_at IS NULL",
                    [.instant(transition.at), .int(event), .text(transition.instanceID)]
                )
            }
        }
    }

    public func history(instanceID: String, after sequence: Int64) async throws -> [HistoryEntry] {
        try await read { _ in
            try await exec(
                "SELECT seq, at, kind, details FROM instance_events WHERE instance_id = ? AND seq > ? ORDER BY seq",
                [.text(instanceID), .int(sequence)]
            ).map { row in
                let r = SQLiteRowReader(row)
                return HistoryEntry(
                    sequence: try r.int("seq"), at: try r.instant("at"), storedKind: try r.string("kind"),
                    details: try r.value("details")
                )
            }
        }
    }

    public func annotate(instanceID: String, _ entries: [HistoryEntry]) async throws {
        guard !entries.isEmpty else { return }
        try await write { _ in
            let updated = try await exec(
                "UPDATE flow_instances SET last_seq = last_seq + ? WHERE id = ? RETURNING last_seq",
                [.integer(entries.count), .text(instanceID)])
            guard let row = updated.first else { throw StoreError(.notFound, "instance '\(instanceID)' does not exist") }
            let last = try SQLiteRowReader(row).int("last_seq")
            try await appendHistory(instanceID: instanceID, after: last - Int64(entries.count), entries)
        }
    }

    // MARK: Internals shared by the extensions (called inside a transaction or read)

    func fetchInstance(_ condition: String, _ binds: [SQLiteData]) async throws -> InstanceRecord? {
        try await exec("SELECT \(Self.instanceColumns) FROM flow_instances WHERE \(condition)", binds)
            .first.map(Self.instanceRecord)
    }

    /// Inserts entries numbered from `base + 1`; the caller advanced `last_seq` in the same transaction.
    func appendHistory(instanceID: String, after base: Int64, _ entries: [HistoryEntry]) async throws {
        for (offset, entry) in entries.enumerated() {
            try await exec(
                "INSERT INTO instance_events (instance_id, seq, at, kind, details) VALUES (?, ?, ?, ?, ?)",
                [.text(instanceID), .int(base + Int64(offset) + 1), .instant(entry.at), .text(entry.kind.rawValue),
                 .text(try StoreCoding.json(entry.entry.storedDetails))]
            )
        }
    }

    func leaseFailure(instanceID: String, owner: String) async throws -> StoreError {
        guard let current = try await fetchInstance("id = ?", [.text(instanceID)]) else {
            return StoreError(.notFound, "instance '\(instanceID)' does not exist")
        }
        let holder = current.leaseOwner.map { "'\($0)'" } ?? "nobody"
        return StoreError(.leaseLost, "'\(owner)' no longer holds the lease on '\(instanceID)' (held by \(holder))")
    }

    static func instanceRecord(_ row: SQLiteRow) throws -> InstanceRecord {
        let r = SQLiteRowReader(row)
        return InstanceRecord(
            id: try r.string("id"), flow: try r.string("flow"), definitionHash: try r.string("definition_hash"),
            agencyID: try r.optionalString("agency_id"), status: try StoreCoding.status(try r.string("status")),
            state: try r.string("state"), settings: try r.string("settings"), wakeAt: try r.optionalInstant("wake_at"),
            idempotencyKey: try r.optionalString("idempotency_key"), leaseOwner: try r.optionalString("lease_owner"),
            leaseUntil: try r.optionalInstant("lease_until"), createdAt: try r.instant("created_at"),
            updatedAt: try r.instant("updated_at")
        )
    }
}
