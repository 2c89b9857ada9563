public import Foundation

/// Which database to use, parsed from `FLOW_DATABASE_URL`.
///
/// Accepted forms: `postgres://user:pass@host:port/db` (also `postgresql://`, with an optional
/// `?sslmode=disable|prefer|require`), `sqlite:///absolute/path`, `sqlite://relative/path`,
/// `sqlite::memory:` / `:memory:`, or a plain file path. `description` never shows the password.
public enum StoreConfiguration: Sendable, Hashable, CustomStringConvertible {
    case sqlite(SQLiteFlowStore.Location)
    case postgres(PostgresSettings)

    /// Connection settings for PostgreSQL.
    public struct PostgresSettings: Sendable, Hashable {
        public enum TLSMode: String, Sendable, Hashable { case disable, prefer, require }

        public var host: String
        public var port: Int
        public var username: String
        public var password: String?
        public var database: String
        public var tls: TLSMode

        public init(host: String, port: Int = 5432, username: String, password: String?, database: String, tls: TLSMode) {
            self.host = host
            self.port = port
            self.username = username
            self.password = password
            self.database = database
            self.tls = tls
        }
    }

    /// The embedded default when nothing is configured.
    public static let defaultSQLitePath = "./flow.sqlite"

    /// The configuration from `FLOW_DATABASE_URL`, else the default SQLite file.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> StoreConfiguration
    {
        guard let url = environment["FLOW_DATABASE_URL"], !url.isEmpty else {
            return .sqlite(.file(path: defaultSQLitePath))
        }
        return try from(url: url)
    }

    /// Parses a database URL; the error says what is wrong without repeating the password.
    public static func from(url text: String) throws -> StoreConfiguration {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw StoreError(.unavailable, "empty database URL") }
        if trimmed == ":memory:" || trimmed == "sqlite::memory:" || trimmed == "sqlite://:memory:" {
            return .sqlite(.memory)
        }
        if trimmed.hasPrefix("sqlite:") {
            var path = String(trimmed.dropFirst("sqlite:".count))
            if path.hasPrefix("//") { path.removeFirst(2) }
            guard !path.isEmpty else { throw StoreError(.unavailable, "sqlite URL has no path") }
            return .sqlite(.file(path: path.removingPercentEncoding ?? path))
        }
        if trimmed.hasPrefix("postgres://") || trimmed.hasPrefix("postgresql://") {
            return .postgres(try parsePostgres(trimmed))
        }
        if trimmed.contains("://") {
            let scheme = trimmed.prefix { $0 != ":" }
            throw StoreError(.unavailable, "unsupported database URL scheme '\(scheme)' (use postgres:// or sqlite://)")
        }
        return .sqlite(.file(path: trimmed))
    }

    private static func parsePostgres(_ text: String) throws -> PostgresSettings {
        guard let components = URLComponents(string: text), let host = components.host, !host.isEmpty else {
            throw StoreError(.unavailable, "malformed postgres URL (expected postgres://user:pass@host:port/db)")
        }
        guard let user = components.user, !user.isEmpty else {
            throw StoreError(.unavailable, "postgres URL has no user name")
        }
        let database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty else { throw StoreError(.unavailable, "postgres URL has no database name") }
        var tls = PostgresSettings.TLSMode.prefer
        if let mode = components.queryItems?.first(where: { $0.name == "sslmode" })?.value {
            switch mode {
            case "disable": tls = .disable
            case "prefer", "allow": tls = .prefer
            case "require", "verify-ca", "verify-full": tls = .require
            default: throw StoreError(.unavailable, "unknown sslmode '\(mode)'")
            }
        }
        return PostgresSettings(
            host: host, port: components.port ?? 5432, username: user.removingPercentEncoding ?? user,
            password: components.password.map { $0.removingPercentEncoding ?? $0 },
            database: database.removingPercentEncoding ?? database, tls: tls
        )
    }

    /// The URL with the password replaced by `***`.
    public var description: String {
        switch self {
        case .sqlite(.memory): return "sqlite::memory:"
        case .sqlite(.file(let path)): return "sqlite://\(path)"
        case .postgres(let p):
            let secret = p.password == nil ? "" : ":***"
            return "postgres://\(p.username)\(secret)@\(p.host):\(p.port)/\(p.database)"
        }
    }
}
