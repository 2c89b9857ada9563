import FlowEngine
@testable import FlowRuntime
import FlowStoreConformance
import Foundation
import PostgresNIO
import Testing
import Travel

/// The conformance suite against SQLite (a file in a temporary directory, and `:memory:`) always,
/// and against PostgreSQL when `FLOW_TEST_POSTGRES_URL` is set (required when `CI=true`).
@Suite struct StoreConformanceTests {
    @Test(arguments: FlowStoreConformance.checks)
    func sqliteFile(_ check: FlowStoreConformance.Check) async throws {
        try await check.run(Harnesses.sqliteFile.map { $0 as any FlowStore })
    }

    @Test(arguments: FlowStoreConformance.checks)
    func sqliteMemory(_ check: FlowStoreConformance.Check) async throws {
        try await check.run(Harnesses.sqliteMemory.map { $0 as any FlowStore })
    }

    @Test(.enabled(if: Harnesses.postgresURL != nil, "FLOW_TEST_POSTGRES_URL is not set"),
          arguments: FlowStoreConformance.checks)
    func postgres(_ check: FlowStoreConformance.Check) async throws {
        try await check.run(try #require(Harnesses.postgres).map { $0 as any FlowStore })
    }

    /// The in-memory store's API keys and instance pages (its other behaviour is covered by the dry-run tests).
    static let memoryChecks = FlowStoreConformance.checks.filter {
        ["API keys", "instances page"].contains(where: $0.name.hasPrefix)
    }

    @Test(arguments: memoryChecks)
    func memory(_ check: FlowStoreConformance.Check) async throws {
        try await check.run(FlowStoreHarness(name: "memory") { body in try await body(InMemoryFlowStore()) })
    }

    @Test(arguments: FlowStoreConformance.travelChecks)
    func sqliteFileTravel(_ check: FlowStoreConformance.TravelCheck) async throws {
        try await check.run(Harnesses.sqliteFile.map { $0 as any TravelStore })
    }

    @Test(arguments: FlowStoreConformance.travelChecks)
    func sqliteMemoryTravel(_ check: FlowStoreConformance.TravelCheck) async throws {
        try await check.run(Harnesses.sqliteMemory.map { $0 as any TravelStore })
    }

    @Test(.enabled(if: Harnesses.postgresURL != nil, "FLOW_TEST_POSTGRES_URL is not set"),
          arguments: FlowStoreConformance.travelChecks)
    func postgresTravel(_ check: FlowStoreConformance.TravelCheck) async throws {
        try await check.run(try #require(Harnesses.postgres).map { $0 as any TravelStore })
    }

    @Test(arguments: FlowStoreConformance.travelChecks)
    func inMemoryTravel(_ check: FlowStoreConformance.TravelCheck) async throws {
        try await check.run(TravelStoreHarness(name: "memory") { body in try await body(InMemoryTravelStore()) })
    }

    @Test(arguments: FlowStoreConformance.portalChecks)
    func sqliteFilePortal(_ check: FlowStoreConformance.PortalCheck) async throws {
        try await check.run(Harnesses.sqliteFile)
    }

    @Test(arguments: FlowStoreConformance.portalChecks)
    func sqliteMemoryPortal(_ check: FlowStoreConformance.PortalCheck) async throws {
        try await check.run(Harnesses.sqliteMemory)
    }

    @Test(.enabled(if: Harnesses.postgresURL != nil, "FLOW_TEST_POSTGRES_URL is not set"),
          arguments: FlowStoreConformance.portalChecks)
    func postgresPortal(_ check: FlowStoreConformance.PortalCheck) async throws {
        try await check.run(try #require(Harnesses.postgres))
    }

    @Test(arguments: FlowStoreConformance.approvalChecks)
    func inMemoryApprovals(_ check: FlowStoreConformance.Check) async throws {
        try await check.run(FlowStoreHarness(name: "memory") { body in try await body(InMemoryFlowStore()) })
    }

    /// CI must fail, not skip, when the PostgreSQL tests could not run.
    @Test func postgresRunsInCI() {
        if ProcessInfo.processInfo.environment["CI"] == "true" {
            #expect(Harnesses.postgresURL != nil, "CI=true but FLOW_TEST_POSTGRES_URL is not set: Postgres tests did not run")
        }
    }
}

/// A SQL store: the runtime's, the travel product's and the agency portal's on one connection.
typealias SQLStore = any FlowStore & TravelStore & AgencyPortalStore

/// The stores under test, migrated with the travel product's tables.
enum Harnesses {
    static let sqliteMemory = StoreHarness<SQLStore>(name: "sqlite-memory") { body in
        let store = try await SQLiteFlowStore.open(.memory, adding: TravelSchema.schema)
        do { try await body(store) } catch { try? await store.close(); throw error }
        try await store.close()
    }

    static let sqliteFile = StoreHarness<SQLStore>(
        name: "sqlite-file",
        withStore: { body in
            try await withSQLiteFile(count: 1) { try await body($0[0]) }
        },
        withSharedStores: { count, body in
            try await withSQLiteFile(count: count, body)
        }
    )

    /// `count` separate connections (as separate processes would have) on one new database file.
    static func withSQLiteFile(count: Int, _ body: @Sendable ([SQLStore]) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("flow-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("flow.sqlite").path
        var stores: [SQLiteFlowStore] = []
        // A minute's wait for the write lock, not the default 10 s: racing checks put up to 16 writers
        // on one file, and with the whole suite running beside them on 2 cores an unlucky writer
        // (SQLite's busy handler is not fair) waited past 10 s ("database is locked").
        for _ in 0..<count {
            stores.append(try await SQLiteFlowStore.open(.file(path: path), busyTimeout: .seconds(60), adding: TravelSchema.schema))
        }
        do { try await body(stores) } catch {
            for store in stores { try? await store.close() }
            throw error
        }
        for store in stores { try await store.close() }
    }

    static let postgresURL = ProcessInfo.processInfo.environment["FLOW_TEST_POSTGRES_URL"].flatMap {
        $0.isEmpty ? nil : $0
    }

    static let postgres: StoreHarness<SQLStore>? = postgresURL.map { url in
        StoreHarness<SQLStore>(
            name: "postgres",
            withStore: { body in try await withPostgresSchema(url: url, count: 1) { try await body($0[0]) } },
            withSharedStores: { count, body in try await withPostgresSchema(url: url, count: count, body) }
        )
    }

    /// How long the checks' stores wait for a connection. The checks test SQL, not the wait: on a
    /// loaded two-core machine the whole test run starts at once and a pool's first connection can
    /// take longer than the production default of 10 s (the wait itself is tested by
    /// `PostgresOutageTests` and `PostgresPoolStartTests`).
    static let connectionWait: Duration = .seconds(60)

    /// `count` pooled stores on a new schema of the test database (dropped afterwards), so checks
    /// run in parallel without seeing each other's rows.
    static func withPostgresSchema(
        url: String, count: Int, _ body: @Sendable ([SQLStore]) async throws -> Void
    ) async throws {
        guard case .postgres(let settings) = try StoreConfiguration.from(url: url) else {
            throw StoreError(.unavailable, "FLOW_TEST_POSTGRES_URL is not a postgres:// URL")
        }
        let schema = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        var admin = settings.clientConfiguration(maximumConnections: 1)
        admin.tls = .disable
        try await PostgresFlowStore.withStore(admin, migrate: false, connectionTimeout: connectionWait) { store in
            _ = try await store.rows(PostgresQuery(unsafeSQL: "CREATE SCHEMA \(schema)"))
        }
        do {
            var configuration = settings.clientConfiguration(maximumConnections: 8)
            configuration.tls = .disable
            configuration.options.additionalStartupParameters = [("search_path", String(schema))]
            try await withThrowingTaskGroup(of: Void.self) { group in
                var stores: [PostgresFlowStore] = []
                for _ in 0..<count {
                    let store = PostgresFlowStore(configuration: configuration, connectionTimeout: connectionWait)
                    stores.append(store)
                    group.addTask { try await store.run() }
                }
                defer { group.cancelAll() }
                try await stores[0].migrate(adding: TravelSchema.schema)
                try await body(stores)
            }
        } catch {
            try? await dropSchema(schema, admin: admin)
            throw error
        }
        try await dropSchema(schema, admin: admin)
    }

    static func dropSchema(_ schema: String, admin: PostgresClient.Configuration) async throws {
        try await PostgresFlowStore.withStore(admin, migrate: false, connectionTimeout: connectionWait) { store in
            _ = try await store.rows(PostgresQuery(unsafeSQL: "DROP SCHEMA \(schema) CASCADE"))
        }
    }
}
