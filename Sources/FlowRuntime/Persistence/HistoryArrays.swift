import FlowEngine

/// History entries as parallel arrays, bound as three PostgreSQL array parameters and expanded
/// with `unnest(...) WITH ORDINALITY`, so any number of entries is appended in one statement.
/// Instants travel as epoch milliseconds and are converted exactly in SQL (integer arithmetic,
/// no floating point).
package struct HistoryArrays: Sendable {
    var milliseconds: [Int64]
    var kinds: [String]
    /// Each entry's details as JSON text (cast to `jsonb` in SQL).
    var details: [String]

    var count: Int { kinds.count }

    init(_ entries: [HistoryEntry]) throws {
        milliseconds = entries.map(\.at.epochMilliseconds)
        kinds = entries.map(\.kind.rawValue)
        details = try entries.map { try StoreCoding.json($0.entry.storedDetails) }
    }

    /// The SQL expression turning an epoch-milliseconds expression into a `timestamptz`
    /// (NULL stays NULL); `expression` is a column alias written in code, never input.
    package static func instantFromMilliseconds(_ expression: String) -> String {
        "(TIMESTAMPTZ 'epoch' + \(expression) * INTERVAL '1 millisecond')"
    }
}
