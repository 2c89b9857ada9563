import FlowEngine
import SQLiteNIO

/// Typed, throwing access to the columns of one SQLite row; a missing or mistyped column is `corrupt`.
struct SQLiteRowReader {
    let row: SQLiteRow

    init(_ row: SQLiteRow) { self.row = row }

    private func data(_ column: String) throws -> SQLiteData {
        guard let data = row.column(column) else { throw StoreError(.corrupt, "missing column \(column)") }
        return data
    }

    func string(_ column: String) throws -> String {
        guard case .text(let text) = try data(column) else { throw StoreError(.corrupt, "column \(column) is not text") }
        return text
    }

    func optionalString(_ column: String) throws -> String? {
        let data = try data(column)
        if data.isNull { return nil }
        guard case .text(let text) = data else { throw StoreError(.corrupt, "column \(column) is not text") }
        return text
    }

    func int(_ column: String) throws -> Int64 {
        guard case .integer(let value) = try data(column) else {
            throw StoreError(.corrupt, "column \(column) is not an integer")
        }
        return Int64(value)
    }

    func instant(_ column: String) throws -> Instant {
        Instant(epochMilliseconds: try int(column))
    }

    func optionalInstant(_ column: String) throws -> Instant? {
        if try data(column).isNull { return nil }
        return try instant(column)
    }

    func value(_ column: String) throws -> Value {
        try StoreCoding.value(try string(column), column: column)
    }

    func optionalValue(_ column: String) throws -> Value? {
        try optionalString(column).map { try StoreCoding.value($0, column: column) }
    }
}

extension SQLiteData {
    /// An instant as integer epoch milliseconds (UTC), or NULL.
    static func instant(_ instant: Instant?) -> SQLiteData {
        instant.map { .integer(SQLiteInt64($0.epochMilliseconds)) } ?? .null
    }

    static func int(_ value: Int64) -> SQLiteData { .integer(SQLiteInt64(value)) }

    static func optional(_ text: String?) -> SQLiteData { text.map { .text($0) } ?? .null }
}
