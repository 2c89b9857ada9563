/// What a condition read when it was decided: the values of the names it reads (`settings.x`,
/// `vars.y.z`, `input.trip.origin`, `now`) and, for a comparison whose sides are computed
/// (`vars.departure - settings.reminder_before > now`), both sides' values. Pure and bounded: only
/// the paths the expression names are evaluated (never the whole scope), at most ``maximumValues``
/// of them, each value's text cut at ``maximumText`` characters; only `settings`, `vars`, `input`
/// and `now` are read, so nothing else an instance holds (a webhook's payload, a frame's item) is
/// copied into the timeline.
public struct ExpressionTrace: Sendable, Hashable {
    /// Each path the expression reads and its value, in the order the expression names them.
    public var values: [(path: String, value: Value)]
    /// One sentence per computed comparison: `vars.departure - settings.reminder_before =
    /// 2026-07-07T21:05:00Z > now = 2026-07-06T10:00:00Z: true`.
    public var comparisons: [String]

    public static let maximumValues = 10
    public static let maximumComparisons = 4
    public static let maximumText = 120
    /// The roots whose paths are read; nothing else is.
    public static let roots: Set<String> = ["settings", "vars", "input", "now"]

    public static func == (lhs: ExpressionTrace, rhs: ExpressionTrace) -> Bool {
        lhs.comparisons == rhs.comparisons && lhs.values.map { $0.path } == rhs.values.map { $0.path }
            && lhs.values.map { $0.value } == rhs.values.map { $0.value }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(comparisons)
        for (path, value) in values {
            hasher.combine(path)
            hasher.combine(value)
        }
    }

    /// Traces every expression of `template` (a condition is one whole-value expression).
    public init(_ template: ValueTemplate, in context: EvaluationContext) {
        self.init(template.expressions, in: context)
    }

    /// Traces several expressions into one list of values (each path once).
    public init(_ sources: [ExpressionSource], in context: EvaluationContext) {
        values = []
        comparisons = []
        var seen: Set<String> = []
        for source in sources {
            let parsed = source.compiled
            guard parsed.errors.isEmpty else { continue }
            let evaluator = Evaluator(context: context, base: source.location)
            collectPaths(parsed.expression, evaluator, &seen)
            collectComparisons(parsed.expression, evaluator)
        }
    }

    /// The values as a timeline field: path → value, each cut to ``maximumText`` (a list or an
    /// object becomes its JSON text).
    public var valuesField: Value {
        .object(Dictionary(values.map { ($0.path, Self.bounded($0.value)) }, uniquingKeysWith: { first, _ in first }))
    }

    /// `settings.reminder_before = 24h, now = 2026-07-06T10:00:00Z`.
    public var valuesText: String {
        values.map { "\($0.path) = \(Self.text(of: $0.value, limit: Self.maximumText))" }.joined(separator: ", ")
    }

    /// A `values` field (``valuesField``) for people, by path: `now = 2026-07-06T10:00:00Z,
    /// settings.reminder_before = 1d`; empty when there are none.
    public static func valuesText(of field: Value?) -> String {
        guard let values = field?.objectValue, !values.isEmpty else { return "" }
        return values.keys.sorted().map { "\($0) = \(text(of: values[$0]!, limit: maximumText))" }.joined(separator: ", ")
    }

    /// A `decided` entry's sentence for people: its `reason` and, after it, its `values`.
    public static func sentence(_ entry: TimelineEntry) -> String {
        let reason = entry.reason ?? ""
        let values = valuesText(of: entry.details["values"])
        return values.isEmpty ? reason : reason + "; values: " + values
    }

    /// A value for people: instants in ISO-8601 UTC, durations as `1h30m`, strings in single quotes,
    /// lists and objects as JSON; cut at `limit` characters with `…`.
    public static func text(of value: Value, limit: Int) -> String {
        let text: String
        switch value {
        case .string(let s): text = "'" + s + "'"
        default: text = value.interpolationText.isEmpty && value.isNull ? "null" : value.interpolationText
        }
        return text.count <= limit ? text : String(text.prefix(limit)) + "…"
    }

    static func bounded(_ value: Value) -> Value {
        switch value {
        case .string(let s): s.count <= maximumText ? value : .string(String(s.prefix(maximumText)) + "…")
        case .array, .object:
            .string(value.jsonText.count <= maximumText ? value.jsonText : String(value.jsonText.prefix(maximumText)) + "…")
        default: value
        }
    }

    /// `vars.a.b` as its root and the path text, when the node is a plain path from a traced root.
    private static func path(_ expression: Expression) -> String? {
        switch expression {
        case .name(let name, _): roots.contains(name) ? name : nil
        case .member(let base, let field, _): path(base).map { $0 + "." + field }
        default: nil
        }
    }

    private mutating func collectPaths(_ expression: Expression, _ evaluator: Evaluator, _ seen: inout Set<String>) {
        guard values.count < Self.maximumValues else { return }
        if let path = Self.path(expression) {
            // `settings` or `vars` alone would copy the whole object: only named fields are read.
            // (A byte scan: `String.contains` goes through Foundation's locale-aware search.)
            guard path.utf8.contains(UInt8(ascii: ".")) || path == "now", seen.insert(path).inserted,
                  let value = try? evaluator.evaluate(expression) else { return }
            values.append((path, value))
            return
        }
        switch expression {
        case .literal, .name, .invalid: break
        case .list(let items, _): for item in items { collectPaths(item, evaluator, &seen) }
        case .object(let members, _): for member in members { collectPaths(member.value, evaluator, &seen) }
        case .member(let base, _, _): collectPaths(base, evaluator, &seen)
        case .index(let base, let index, _):
            collectPaths(base, evaluator, &seen)
            collectPaths(index, evaluator, &seen)
        case .call(_, let arguments, _): for argument in arguments { collectPaths(argument, evaluator, &seen) }
        case .unary(_, let operand, _): collectPaths(operand, evaluator, &seen)
        case .binary(_, let left, let right, _):
            collectPaths(left, evaluator, &seen)
            collectPaths(right, evaluator, &seen)
        case .conditional(let condition, let whenTrue, let whenFalse, _):
            collectPaths(condition, evaluator, &seen)
            collectPaths(whenTrue, evaluator, &seen)
            collectPaths(whenFalse, evaluator, &seen)
        }
    }

    /// Comparisons under `&&`, `||` and `!` whose sides are not both plain paths or literals (those
    /// are already in ``values``).
    private mutating func collectComparisons(_ expression: Expression, _ evaluator: Evaluator) {
        guard comparisons.count < Self.maximumComparisons else { return }
        switch expression {
        case .unary(.not, let operand, _): collectComparisons(operand, evaluator)
        case .binary(.and, let left, let right, _), .binary(.or, let left, let right, _):
            collectComparisons(left, evaluator)
            collectComparisons(right, evaluator)
        case .binary(let op, let left, let right, _)
            where Self.comparisonOperators.contains(op):
            guard Self.isComputed(left) || Self.isComputed(right),
                  let leftValue = try? evaluator.evaluate(left), let rightValue = try? evaluator.evaluate(right),
                  let held = try? evaluator.evaluate(expression) else { return }
            func side(_ node: Expression, _ value: Value) -> String {
                if case .literal = node { return node.text }
                return node.text + " = " + Self.text(of: value, limit: Self.maximumText)
            }
            var sentence = side(left, leftValue) + " \(op.rawValue) " + side(right, rightValue) + ": "
                + (held.isTruthy ? "true" : "false")
            if let difference = Self.difference(leftValue, rightValue) { sentence += " (difference \(difference))" }
            comparisons.append(sentence)
        default: break
        }
    }

    private static let comparisonOperators: Set<Expression.BinaryOperator> = [
        .less, .lessEqual, .greater, .greaterEqual, .equal, .notEqual,
    ]

    private static func isComputed(_ expression: Expression) -> Bool {
        switch expression {
        case .literal, .name, .member, .invalid: false
        default: true
        }
    }

    /// Between two instants, the span from the right to the left side (`-1h40m`: the left is earlier).
    private static func difference(_ left: Value, _ right: Value) -> String? {
        guard let l = left.instantValue, let r = right.instantValue else { return nil }
        return (l - r).description
    }
}
