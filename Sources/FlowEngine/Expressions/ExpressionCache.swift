import Synchronization

/// Parse results by expression text, shared by every thread, so that an expression evaluated
/// millions of times is lexed and parsed once.
final class ExpressionCache: Sendable {
    static let shared = ExpressionCache()

    /// Past this many distinct texts the cache starts over (flows have far fewer).
    static let capacity = 50_000

    private let entries = Mutex<[String: ParsedExpression]>([:])

    func parsed(_ text: String) -> ParsedExpression {
        if let hit = entries.withLock({ $0[text] }) { return hit }
        let parsed = ExpressionParser.parse(text)
        entries.withLock { table in
            if table.count >= Self.capacity { table.removeAll(keepingCapacity: true) }
            table[text] = parsed
        }
        return parsed
    }
}
