/// Evaluates `${{ … }}` expressions and value templates. Pure: time comes in through bindings
/// (`now`), never from a clock. Each expression was parsed when its source was made.
public enum ExpressionEvaluation {
    /// A whole-value `.expression` keeps its type; `.interpolation` always yields a string;
    /// lists and objects evaluate recursively; literals are returned as they are.
    public static func evaluate(_ template: ValueTemplate, in context: EvaluationContext) throws(EvaluationError)
        -> Value
    {
        switch template {
        case .literal(let value, _):
            return value
        case .expression(let source):
            return try evaluate(source, in: context)
        case .interpolation(let parts, _):
            var text = ""
            for part in parts {
                switch part {
                case .text(let s): text += s
                case .expression(let source): text += try evaluate(source, in: context).interpolationText
                }
            }
            return .string(text)
        case .list(let items, _):
            var values: [Value] = []
            values.reserveCapacity(items.count)
            for item in items { values.append(try evaluate(item, in: context)) }
            return .array(values)
        case .object(let members, _):
            var values: [String: Value] = [:]
            values.reserveCapacity(members.count)
            for member in members { values[member.key.value] = try evaluate(member.value, in: context) }
            return .object(values)
        }
    }

    /// Evaluates one expression; a syntax error is reported as an evaluation error at its place.
    public static func evaluate(_ source: ExpressionSource, in context: EvaluationContext) throws(EvaluationError)
        -> Value
    {
        let parsed = source.compiled
        if let first = parsed.errors.first {
            throw EvaluationError(
                message: "syntax error: \(first.message)", location: source.location.advanced(byColumns: first.offset))
        }
        let evaluator = Evaluator(context: context, base: source.location)
        return try evaluator.evaluate(parsed.expression)
    }
}
