package import FlowEngine
package import SQLiteNIO

/// Typed, throwing access to the columns of one SQLite row; a missing or mistyped column is `corrupt`.
package struct SQLiteRowReader {
    let row: SQLiteRow

    package init(_ row: SQLiteRow) { self.row = row }

    private func data(_ column: String) throws -> SQLiteData {
        guard let data = row.column(column) else { throw StoreError(.corrupt, "missing column \(column)") }
        return data
    }

    package func string(_ column: String) throws -> String {
        guard case .text(let text) = try data(column) else { throw StoreError(.corrupt, "column \(column) is not text") }
        return text
    }

    package func optionalString(_ column: String) throws -> String? {
        let data = try data(column)
        if data.isNull { return nil }
        guard case .text(let text) = data else { throw StoreError(.corrupt, "column \(column) is not text") }
        return text
    }

    package func int(_ column: String) throws -> Int64 {
        guard case .integer(let value) = try data(column) else {
            throw StoreError(.corrupt, "column \(column) is not an integer")
        }
        return Int64(value)
    }

    package func instant(_ column: String) throws -> Instant {
        Instant(epochMilliseconds: try int(column))
    }

    package func optionalInstant(_ column: String) throws -> Instant? {
        if try data(column).isNull { return nil }
        return try instant(column)
    }

    package func value(_ column: String) throws -> Value {
        try StoreCoding.value(try string(column), column: column)
    }

    package func optionalValue(_ column: String) throws -> Value? {
        try optionalString(column).map { try StoreCoding.value($0, column: column) }
    }
}

extension SQLiteData {
    /// An instant as integer epoch milliseconds (UTC), or NULL.
    package static func instant(_ instant: Instant?) -> SQLiteData {
        instant.map { .integer(SQLiteInt64($0.epochMilliseconds)) } ?? .null
    }

    package static func int(_ value: Int64) -> SQLiteData { .integer(SQLiteInt64(value)) }

    package static func optional(_ text: String?) -> SQLiteData { text.map { .text($0) } ?? .null }
}
