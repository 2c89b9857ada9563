/// The column types that differ between the two SQL backends, so the schema is written once.
///
/// Instants are `timestamptz` on PostgreSQL and integer epoch milliseconds on SQLite (both UTC);
/// JSON documents are `jsonb` on PostgreSQL and checked `TEXT` on SQLite.
public struct SchemaDialect: Sendable {
    public enum Backend: String, Sendable {
        case postgres, sqlite
    }

    public let backend: Backend

    public static let postgres = SchemaDialect(backend: .postgres)
    public static let sqlite = SchemaDialect(backend: .sqlite)

    /// An instant column.
    public var instant: String { backend == .postgres ? "TIMESTAMPTZ" : "INTEGER" }

    /// A JSON document column named `column` (the name is needed for SQLite's validity check).
    /// `verbatim` keeps the text exactly as written (PostgreSQL `json`, not `jsonb`): for opaque
    /// documents such as the interpreter's state that are read back byte for byte.
    public func json(_ column: String, nullable: Bool = false, verbatim: Bool = false) -> String {
        let null = nullable ? "" : " NOT NULL"
        switch backend {
        case .postgres: return "\(column) \(verbatim ? "JSON" : "JSONB")\(null)"
        case .sqlite: return "\(column) TEXT\(null) CHECK (\(column) IS NULL OR json_valid(\(column)))"
        }
    }

    /// An auto-assigned 64-bit primary key.
    public var serialKey: String {
        backend == .postgres ? "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY" : "INTEGER PRIMARY KEY AUTOINCREMENT"
    }

    /// The current instant as a column default.
    public var now: String {
        backend == .postgres ? "now()" : "(CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER))"
    }

    /// `CHECK (column IN ('a', 'b'))` for a closed list of values defined in Swift.
    public func check(_ column: String, in values: [String]) -> String {
        let list = values.map { "'" + $0.replacingOccurrences(of: "'", with: "''") + "'" }.joined(separator: ", ")
        return "CHECK (\(column) IN (\(list)))"
    }
}
