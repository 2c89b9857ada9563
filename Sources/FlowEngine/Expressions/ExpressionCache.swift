import Synchronization

/// Parse results by expression text, shared by every thread: an `ExpressionSource` takes its
/// `CompiledExpression` from here when it is made (at load), so equal texts are lexed and parsed
/// once per process and evaluation never takes the lock.
final class ExpressionCache: Sendable {
    static let shared = ExpressionCache()

    /// Past this many distinct texts the cache starts over (flows have far fewer).
    static let capacity = 50_000

    private let entries = Mutex<[String: CompiledExpression]>([:])

    func compiled(_ text: String) -> CompiledExpression {
        if let hit = entries.withLock({ $0[text] }) { return hit }
        let compiled = CompiledExpression(ExpressionParser.parse(text), text: text)
        entries.withLock { table in
            if table.count >= Self.capacity { table.removeAll(keepingCapacity: true) }
            table[text] = compiled
        }
        return compiled
    }
}

/// One expression text parsed: the tree and its syntax errors, immutable and shared.
final class CompiledExpression: Sendable {
    let expression: Expression
    let errors: [SyntaxError]
    /// The text on one line with single spaces (a folded `>-` condition keeps no line breaks), as
    /// a `decided` entry quotes it; made once per text, not at every decision.
    let oneLine: String

    init(_ parsed: ParsedExpression, text: String) {
        self.expression = parsed.expression
        self.errors = parsed.errors
        self.oneLine = text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" })
            .joined(separator: " ")
    }
}
