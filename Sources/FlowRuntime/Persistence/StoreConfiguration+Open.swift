import Logging
public import PostgresNIO

extension StoreConfiguration.PostgresSettings {
    /// The `PostgresClient` configuration for these settings.
    public func clientConfiguration(maximumConnections: Int = 20) -> PostgresClient.Configuration {
        let mode: PostgresClient.Configuration.TLS
        switch tls {
        case .disable: mode = .disable
        case .prefer: mode = .prefer(.makeClientConfiguration())
        case .require: mode = .require(.makeClientConfiguration())
        }
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: mode
        )
        configuration.options.maximumConnections = maximumConnections
        return configuration
    }
}

extension StoreConfiguration {
    /// Opens the configured store (migrated), runs `body` with it, and closes it afterwards.
    ///
    /// For a long-running daemon, create a `PostgresFlowStore` and add it to the `ServiceGroup` instead.
    public func withStore<Result: Sendable>(
        migrate: Bool = true, adding product: ProductSchema = .none,
        _ body: @Sendable (OpenedStore) async throws -> Result
    ) async throws -> Result {
        switch self {
        case .sqlite(let location):
            let store = try await SQLiteFlowStore.open(location, migrate: migrate, adding: product)
            do {
                let result = try await body(.sqlite(store))
                try await store.close()
                return result
            } catch {
                try? await store.close()
                throw error
            }
        case .postgres(let settings):
            return try await PostgresFlowStore.withStore(
                settings.clientConfiguration(), migrate: migrate, adding: product
            ) {
                try await body(.postgres($0))
            }
        }
    }
}

/// What `StoreConfiguration.migrate()` did.
public struct MigrationReport: Sendable, Hashable {
    /// Versions applied before this run.
    public var before: [Int]
    /// Versions applied after it.
    public var after: [Int]
    /// Versions this run applied.
    public var applied: [Int] { after.filter { !before.contains($0) } }
    /// Every migration of the runtime and `product`: version and name.
    public static func known(adding product: ProductSchema = .none) -> [(version: Int, name: String)] {
        Migrations.all(.sqlite, adding: product).map { ($0.version, $0.name) }
    }
}

extension StoreConfiguration {
    /// Applies pending migrations to the configured database and reports the versions.
    public func migrate(adding product: ProductSchema = .none) async throws -> MigrationReport {
        switch self {
        case .sqlite(let location):
            let store = try await SQLiteFlowStore.open(location, migrate: false)
            do {
                let before = try await store.appliedMigrations()
                try await store.migrate(adding: product)
                let report = MigrationReport(before: before, after: try await store.appliedMigrations())
                try await store.close()
                return report
            } catch {
                try? await store.close()
                throw error
            }
        case .postgres(let settings):
            return try await PostgresFlowStore.withStore(settings.clientConfiguration(maximumConnections: 2), migrate: false) {
                let before = try await $0.appliedMigrations()
                try await $0.migrate(adding: product)
                return MigrationReport(before: before, after: try await $0.appliedMigrations())
            }
        }
    }
}
