/// One function expressions can call. The checker reads `arity`; `docs/expressions.md`
/// documents every entry with its `signature`, `summary` and `example`.
struct BuiltinFunction: Sendable {
    typealias Body = @Sendable (BuiltinArguments) throws(EvaluationError) -> Value

    var name: String
    var arity: ClosedRange<Int>
    /// `format_human(instant, zone, iata) -> string`.
    var signature: String
    var summary: String
    /// An expression using the function and what it yields, for the docs.
    var example: String
    var body: Body

    var arityText: String {
        if arity.lowerBound == arity.upperBound {
            return arity.lowerBound == 1 ? "1 argument" : "\(arity.lowerBound) arguments"
        }
        if arity.upperBound == Int.max {
            return "at least \(arity.lowerBound) argument\(arity.lowerBound == 1 ? "" : "s")"
        }
        return "\(arity.lowerBound) to \(arity.upperBound) arguments"
    }
}

/// The table of every built-in function, by name.
enum BuiltinFunctions {
    static let all: [BuiltinFunction] = timeFunctions + textFunctions + collectionFunctions + generalFunctions
        + keywordFunctions + dayFunctions + languageFunctions + wordFunctions + dateFunctions

    static let table: [String: BuiltinFunction] = Dictionary(all.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })

    /// What a call needs of each entry of `table` (arity and body), as one shared reference: the
    /// evaluator's lookup copies no strings.
    static let callable: [String: Callable] = table.mapValues(Callable.init)

    /// The arity and body of one built-in function.
    final class Callable: Sendable {
        let arity: ClosedRange<Int>
        let arityText: String
        let body: BuiltinFunction.Body

        init(_ function: BuiltinFunction) {
            self.arity = function.arity
            self.arityText = function.arityText
            self.body = function.body
        }
    }

    static func function(
        _ name: String, _ arity: ClosedRange<Int>, _ signature: String, _ summary: String, example: String,
        _ body: @escaping BuiltinFunction.Body
    ) -> BuiltinFunction {
        BuiltinFunction(name: name, arity: arity, signature: signature, summary: summary, example: example, body: body)
    }
}

/// The evaluated arguments of one call, with typed accessors whose errors name the function,
/// the argument and the call's location.
struct BuiltinArguments {
    var function: String
    var values: [Value]
    var location: SourceLocation

    var count: Int { values.count }
    subscript(_ i: Int) -> Value { i < values.count ? values[i] : .null }

    func failure(_ message: String) -> EvaluationError {
        EvaluationError(message: "\(function): \(message)", location: location)
    }

    func wrongType(_ i: Int, expected: String) -> EvaluationError {
        failure("argument \(i + 1) must be \(expected), got \(self[i].typeName)")
    }

    func string(_ i: Int) throws(EvaluationError) -> String {
        guard case .string(let s) = self[i] else { throw wrongType(i, expected: "a string") }
        return s
    }

    func number(_ i: Int) throws(EvaluationError) -> Double {
        guard case .number(let n) = self[i] else { throw wrongType(i, expected: "a number") }
        return n
    }

    func integer(_ i: Int) throws(EvaluationError) -> Int {
        guard let n = self[i].intValue else { throw wrongType(i, expected: "a whole number") }
        return n
    }

    func instant(_ i: Int) throws(EvaluationError) -> Instant {
        guard case .instant(let t) = self[i] else { throw wrongType(i, expected: "an instant") }
        return t
    }

    func duration(_ i: Int) throws(EvaluationError) -> TimeSpan {
        switch self[i] {
        case .duration(let d): return d
        case .string(let s):
            guard let d = TimeSpan(parsing: s) else { throw failure("'\(s)' is not a duration (use 15m, 2h, 1h30m)") }
            return d
        default: throw wrongType(i, expected: "a duration")
        }
    }

    func list(_ i: Int) throws(EvaluationError) -> [Value] {
        guard case .array(let items) = self[i] else { throw wrongType(i, expected: "a list") }
        return items
    }

    func object(_ i: Int) throws(EvaluationError) -> [String: Value] {
        guard case .object(let members) = self[i] else { throw wrongType(i, expected: "an object") }
        return members
    }

    func zone(_ i: Int) throws(EvaluationError) -> ZoneRules {
        let name = try string(i)
        guard let rules = ZoneRules(identifier: name) else { throw failure("'\(name)' is not an IANA time zone") }
        return rules
    }

    func window(_ i: Int) throws(EvaluationError) -> TimeWindow {
        let text = try string(i)
        guard let window = TimeWindow(parsing: text) else {
            throw failure("'\(text)' is not a window (use HH:MM-HH:MM)")
        }
        return window
    }
}
