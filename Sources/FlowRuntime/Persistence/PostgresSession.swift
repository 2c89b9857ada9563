import Logging
package import PostgresNIO

/// One leased connection as the store uses it: every statement is watched (deadline and
/// closed-connection check, see `PostgresStatementWatch`) and its rows are collected.
package struct PostgresSession: Sendable {
    let connection: PostgresConnection
    /// Per statement; nil: no deadline, only the closed-connection check.
    let timeout: Duration?
    let logger: Logger

    /// Runs `query` and returns all its rows.
    @discardableResult
    package func query(_ query: PostgresQuery) async throws -> [PostgresRow] {
        let connection = connection
        let logger = logger
        return try await PostgresStatementWatch.run(on: connection, timeout: timeout) {
            try await connection.query(query, logger: logger).collect()
        }
    }

    /// Runs a prepared statement (prepared on this connection at its first use) and returns all
    /// its rows, decoded.
    package func execute<Statement: PostgresPreparedStatement>(_ statement: Statement) async throws -> [Statement.Row]
    where Statement.Row: Sendable {
        let connection = connection
        let logger = logger
        return try await PostgresStatementWatch.run(on: connection, timeout: timeout) {
            var rows: [Statement.Row] = []
            for try await row in try await connection.execute(statement, logger: logger) { rows.append(row) }
            return rows
        }
    }
}
