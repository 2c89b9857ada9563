import FlowEngine
public import Logging
public import PostgresNIO
public import ServiceLifecycle

/// The production store: PostgreSQL through a pooled `PostgresClient`.
///
/// The client's background work must run: either add the store to a `ServiceGroup` (it is a
/// `Service` whose `run()` runs the client) or use `withStore(_:_:)`, which runs it for the
/// duration of a closure. Due instances are claimed with `FOR UPDATE SKIP LOCKED`, so several
/// daemons share one database. Every value is bound through `PostgresQuery` interpolation.
public final class PostgresFlowStore: FlowStore, Service {
    let client: PostgresClient
    let logger: Logger
    /// The longest one statement may take before the store gives up on it and closes its connection.
    let statementTimeout: Duration?
    /// The longest a caller waits for a pooled connection (the pool has no deadline of its own).
    let connectionTimeout: Duration?
    /// Opened by `run()`: no connection is requested before the pool runs.
    let poolStart = PostgresPoolStart()
    /// Sends the commits' `flow_timeline` notifications after them, coalesced.
    let timelineAnnouncer = PostgresTimelineAnnouncer()
    /// Groups concurrent commits (group commit).
    let commitBatcher: CommitBatcher<PendingCommit, Void>
    /// Groups other concurrent statements of the same kind (`batched(_:as:write:)`).
    let statementBatchers: StatementBatchers

    /// Creates the store; nothing connects until `run()` is running and a query is made.
    ///
    /// No statement waits longer than `statementTimeout` (nil: no limit), and none waits forever on
    /// a connection the server closed (see `PostgresStatementWatch`): the call throws
    /// `StoreError(.unavailable)` instead, so a database restart never wedges a caller. Likewise no
    /// caller waits longer than `connectionTimeout` (nil: no limit) for a pooled connection, which
    /// is what a call does for as long as the database is down (see `PostgresLease`).
    ///
    /// Commits of several instances that arrive together are written together (`batching`).
    public init(
        configuration: PostgresClient.Configuration, statementTimeout: Duration? = .seconds(30),
        connectionTimeout: Duration? = .seconds(10), batching: CommitBatching = .standard,
        logger: Logger = Logger(label: "flow.store.postgres")
    ) {
        self.client = PostgresClient(configuration: configuration, backgroundLogger: PoolLogHandler.logger(logger))
        self.logger = logger
        self.statementTimeout = statementTimeout
        self.connectionTimeout = connectionTimeout
        self.commitBatcher = CommitBatcher(batching)
        self.statementBatchers = StatementBatchers(batching)
    }

    /// Runs the connection pool until the task is cancelled or a graceful shutdown begins.
    ///
    /// Queries made before it starts wait for it (within `connectionTimeout`).
    public func run() async throws {
        poolStart.open()
        await client.run()
    }

    /// Checks that the database answers `SELECT 1` within `timeout` (waiting for a connection
    /// included); throws `StoreError(.unavailable)` otherwise. What `/health` asks.
    public func probe(timeout: Duration = .seconds(2)) async throws {
        _ = try await mapped {
            try await PostgresLease.with(client, start: poolStart, timeout: timeout) { connection in
                try await PostgresSession(connection: connection, timeout: timeout, logger: logger).query("SELECT 1")
            }
        }
    }

    /// Runs `body` on a pooled connection, waiting at most `connectionTimeout` for one.
    func withConnection<Result>(_ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        try await PostgresLease.with(client, start: poolStart, timeout: connectionTimeout, body)
    }

    /// Runs `body` with a store whose pool runs for the closure's duration; migrates first.
    public static func withStore<Result: Sendable>(
        _ configuration: PostgresClient.Configuration,
        migrate: Bool = true,
        adding product: ProductSchema = .none,
        connectionTimeout: Duration? = .seconds(10), batching: CommitBatching = .standard,
        logger: Logger = Logger(label: "flow.store.postgres"),
        _ body: @Sendable (PostgresFlowStore) async throws -> Result
    ) async throws -> Result {
        let store = PostgresFlowStore(
            configuration: configuration, connectionTimeout: connectionTimeout, batching: batching, logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await store.run() }
            defer { group.cancelAll() }
            if migrate { try await store.migrate(adding: product) }
            return try await body(store)
        }
    }

    /// Tells every daemon's live streams (`flow_timeline`, `PostgresWakeListener`) what a commit
    /// did, after it and coalesced with other commits' announcements (`PostgresTimelineAnnouncer`).
    func announce(_ announcement: TimelineAnnouncement) {
        timelineAnnouncer.announce(announcement) { [self] payloads in
            do {
                _ = try await rows(
                    "SELECT pg_notify(\(TimelineAnnouncement.channel), p) FROM unnest(\(payloads)::text[]) AS p")
            } catch {
                logger.debug("timeline announcements not sent; the listeners' polls find the entries", metadata: [
                    "flow.error": "\(error)", "flow.count": "\(payloads.count)",
                ])
            }
        }
    }

    // MARK: Transactions

    /// Runs `body` in a transaction on one pooled connection; store errors pass through unchanged.
    ///
    /// `ROLLBACK` is skipped on a connection that is already closed (the server rolls back), and
    /// every statement is watched, so a connection lost mid-transaction ends in an error, not a hang.
    package func transaction<Result: Sendable>(
        untimed: Bool = false, _ body: (PostgresSession) async throws -> Result
    ) async throws -> Result {
        try await mapped { try await driverTransaction(untimed: untimed, body) }
    }

    /// `transaction` with the driver's errors as they are (`writeBatch` tells a refused statement
    /// from an unknown outcome by them).
    package func driverTransaction<Result: Sendable>(
        untimed: Bool = false, _ body: (PostgresSession) async throws -> Result
    ) async throws -> Result {
        let timeout = untimed ? nil : statementTimeout
        return try await withConnection { connection in
            let session = PostgresSession(connection: connection, timeout: timeout, logger: logger)
            try await session.query("BEGIN")
            do {
                let result = try await body(session)
                try await session.query("COMMIT")
                return result
            } catch {
                if !connection.isClosed { _ = try? await session.query("ROLLBACK") }
                throw error
            }
        }
    }

    /// Runs one statement outside an explicit transaction and collects its rows.
    package func rows(_ query: PostgresQuery) async throws -> [PostgresRow] {
        try await mapped { try await driverRows(query) }
    }

    /// `rows` with the driver's errors as they are (for `writeBatch`).
    package func driverRows(_ query: PostgresQuery) async throws -> [PostgresRow] {
        try await withConnection { connection in
            try await PostgresSession(connection: connection, timeout: statementTimeout, logger: logger).query(query)
        }
    }

    /// Translates driver errors into `StoreError` without leaking connection details.
    func mapped<Result>(_ body: () async throws -> Result) async throws -> Result {
        do {
            return try await body()
        } catch let error as StoreError {
            throw error
        } catch let error as PSQLError {
            if let message = error.serverInfo?[.message] {
                let state = error.serverInfo?[.sqlState]
                // Class 23: integrity constraint violations (unique, check, foreign key) are conflicts.
                let code: StoreError.Code = state?.hasPrefix("23") == true ? .conflict : .unavailable
                throw StoreError(code, "PostgreSQL: \(message)\(state.map { " [\($0)]" } ?? "")")
            }
            throw StoreError(.unavailable, "PostgreSQL: \(error.code)")
        } catch {
            throw StoreError(.unavailable, "PostgreSQL: \(type(of: error))")
        }
    }

    // MARK: Migrations

    /// A fixed advisory lock key: concurrent `migrate()` calls (several daemons) apply each migration once.
    static let migrationLock: Int64 = 0x466C_6F77_4D69_67

    public func migrate() async throws { try await migrate(adding: .none) }

    /// Applies the runtime's pending migrations and `product`'s, in version order; idempotent.
    public func migrate(adding product: ProductSchema) async throws {
        let dialect = SchemaDialect.postgres
        // Migrations may rewrite large tables: no statement timeout, only the closed-connection check.
        try await transaction(untimed: true) { session in
            try await session.query("SELECT pg_advisory_xact_lock(\(Self.migrationLock))")
            try await session.query(PostgresQuery(unsafeSQL: Migrations.bookkeeping(dialect)))
            let applied = Set(try await session.query("SELECT version FROM schema_migrations").map {
                try $0.decode(Int.self)
            })
            for migration in Migrations.all(dialect, adding: product) where !applied.contains(migration.version) {
                for statement in migration.statements {
                    try await session.query(PostgresQuery(unsafeSQL: statement))
                }
                try await session.query(
                    "INSERT INTO schema_migrations (version, name) VALUES (\(migration.version), \(migration.name))"
                )
            }
        }
    }

    /// Versions recorded in `schema_migrations`, ascending.
    public func appliedMigrations() async throws -> [Int] {
        let exists = try await rows("SELECT to_regclass('schema_migrations') IS NOT NULL").first?.decode(Bool.self)
        guard exists == true else { return [] }
        return try await rows("SELECT version FROM schema_migrations ORDER BY version").map {
            try $0.decode(Int.self)
        }
    }

    // MARK: Definitions

    public func saveDefinition(_ definition: StoredDefinition) async throws {
        _ = try await rows(
            """
            INSERT INTO flow_definitions (hash, name, version, source, created_at)
            VALUES (\(definition.hash), \(definition.name), \(definition.version), \(definition.source),
                    \(definition.createdAt.postgres))
            ON CONFLICT (hash) DO NOTHING
            """
        )
    }

    public func definition(hash: String) async throws -> StoredDefinition? {
        try await rows("SELECT hash, name, version, source, created_at FROM flow_definitions WHERE hash = \(hash)")
            .first.map(Self.storedDefinition)
    }

    public func definitions(name: String) async throws -> [StoredDefinition] {
        try await rows(
            """
            SELECT hash, name, version, source, created_at FROM flow_definitions WHERE name = \(name)
            ORDER BY created_at DESC, hash
            """
        ).map(Self.storedDefinition)
    }

    static func storedDefinition(_ row: PostgresRow) throws -> StoredDefinition {
        let r = row.makeRandomAccess()
        return StoredDefinition(
            name: try r["name"].decode(String.self), hash: try r["hash"].decode(String.self),
            version: try r["version"].decode(Int.self), source: try r["source"].decode(String.self),
            createdAt: try r["created_at"].decode(PostgresInstant.self).instant)
    }
}
