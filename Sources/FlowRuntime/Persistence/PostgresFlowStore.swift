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

    /// Creates the store; nothing connects until `run()` is running and a query is made.
    public init(configuration: PostgresClient.Configuration, logger: Logger = Logger(label: "flow.store.postgres")) {
        self.client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.logger = logger
    }

    /// Runs the connection pool until the task is cancelled or a graceful shutdown begins.
    public func run() async throws {
        await client.run()
    }

    /// Runs `body` with a store whose pool runs for the closure's duration; migrates first.
    public static func withStore<Result: Sendable>(
        _ configuration: PostgresClient.Configuration,
        migrate: Bool = true,
        logger: Logger = Logger(label: "flow.store.postgres"),
        _ body: @Sendable (PostgresFlowStore) async throws -> Result
    ) async throws -> Result {
        let store = PostgresFlowStore(configuration: configuration, logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await store.run() }
            defer { group.cancelAll() }
            if migrate { try await store.migrate() }
            return try await body(store)
        }
    }

    // MARK: Transactions

    /// Runs `body` in a transaction on one pooled connection; store errors pass through unchanged.
    func transaction<Result: Sendable>(
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await mapped {
            try await client.withConnection { connection in
                try await connection.query("BEGIN", logger: logger)
                do {
                    let result = try await body(connection)
                    try await connection.query("COMMIT", logger: logger)
                    return result
                } catch {
                    _ = try? await connection.query("ROLLBACK", logger: logger)
                    throw error
                }
            }
        }
    }

    /// Runs one statement outside an explicit transaction and collects its rows.
    func rows(_ query: PostgresQuery) async throws -> [PostgresRow] {
        try await mapped { try await client.query(query, logger: logger).collect() }
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

    public func migrate() async throws {
        let dialect = SchemaDialect.postgres
        try await transaction { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(Self.migrationLock))", logger: logger)
            try await connection.query(PostgresQuery(unsafeSQL: Migrations.bookkeeping(dialect)), logger: logger)
            var applied: Set<Int> = []
            for try await version in try await connection.query("SELECT version FROM schema_migrations", logger: logger)
                .decode(Int.self) {
                applied.insert(version)
            }
            for migration in Migrations.all(dialect) where !applied.contains(migration.version) {
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query(
                    "INSERT INTO schema_migrations (version, name) VALUES (\(migration.version), \(migration.name))",
                    logger: logger
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
            .first.map { row in
                let r = row.makeRandomAccess()
                return StoredDefinition(
                    name: try r["name"].decode(String.self), hash: try r["hash"].decode(String.self),
                    version: try r["version"].decode(Int.self), source: try r["source"].decode(String.self),
                    createdAt: try r["created_at"].decode(PostgresInstant.self).instant
                )
            }
    }
}
