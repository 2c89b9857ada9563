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
        migrate: Bool = true, _ body: @Sendable (any FlowStore) async throws -> Result
    ) async throws -> Result {
        switch self {
        case .sqlite(let location):
            let store = try await SQLiteFlowStore.open(location, migrate: migrate)
            do {
                let result = try await body(store)
                try await store.close()
                return result
            } catch {
                try? await store.close()
                throw error
            }
        case .postgres(let settings):
            return try await PostgresFlowStore.withStore(settings.clientConfiguration(), migrate: migrate) {
                try await body($0)
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
    /// Every known migration: version and name.
    public static var known: [(version: Int, name: String)] {
        Migrations.all(.sqlite).map { ($0.version, $0.name) }
    }
}

extension StoreConfiguration {
    /// Applies pending migrations to the configured database and reports the versions.
    public func migrate() async throws -> MigrationReport {
        switch self {
        case .sqlite(let location):
            let store = try await SQLiteFlowStore.open(location, migrate: false)
            do {
                let before = try await store.appliedMigrations()
                try await store.migrate()
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
                try await $0.migrate()
                return MigrationReport(before: before, after: try await $0.appliedMigrations())
            }
        }
    }
}
