// TEMPORARY (branch `interp`): a stand-in with the API branch `expr` provides, handling literals
// and dotted paths only, so the interpreter can be built and tested before `expr` lands.
// Deleted when `expr` is merged.

/// Names visible to an expression.
public struct EvaluationContext: Sendable {
    public var bindings: [String: Value]

    public init(bindings: [String: Value]) { self.bindings = bindings }
}

/// An expression that failed at run time.
public struct EvaluationError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public var location: SourceLocation

    public init(_ message: String, at location: SourceLocation) {
        self.message = message
        self.location = location
    }

    public var description: String { "\(location): \(message)" }
}

/// Evaluates value templates (stand-in: literals and dotted paths such as `input.trip.id`).
public enum ExpressionEvaluation {
    public static func evaluate(_ template: ValueTemplate, in context: EvaluationContext) throws(EvaluationError) -> Value {
        switch template {
        case .literal(let value, _): return value
        case .expression(let source): return try path(source, in: context)
        case .interpolation(let parts, _):
            var out = ""
            for part in parts {
                switch part {
                case .text(let text): out += text
                case .expression(let source):
                    let value = try path(source, in: context)
                    out += value.stringValue ?? value.jsonText
                }
            }
            return .string(out)
        case .list(let items, _):
            var values: [Value] = []
            for item in items { values.append(try evaluate(item, in: context)) }
            return .array(values)
        case .object(let members, _):
            var values: [String: Value] = [:]
            for member in members { values[member.key.value] = try evaluate(member.value, in: context) }
            return .object(values)
        }
    }

    private static func path(_ source: ExpressionSource, in context: EvaluationContext) throws(EvaluationError) -> Value {
        let text = source.text.trimmingSpaces()
        if text == "true" { return .bool(true) }
        if text == "false" { return .bool(false) }
        if text == "null" { return .null }
        if let number = Double(text) { return .number(number) }
        let names = text.split(separator: ".").map(String.init)
        guard let first = names.first, var value = context.bindings[first] else {
            throw EvaluationError("unknown name '\(text)'", at: source.location)
        }
        for name in names.dropFirst() {
            guard case .object(let members) = value else {
                throw EvaluationError("'\(name)' of a \(value.typeName)", at: source.location)
            }
            value = members[name] ?? .null
        }
        return value
    }
}
