/// Walks a parsed expression against bindings. `base` is the document location of the
/// expression's first character; node offsets are added to it for error locations.
struct Evaluator {
    var context: EvaluationContext
    var base: SourceLocation

    func location(_ offset: Int) -> SourceLocation { base.advanced(byColumns: offset) }

    func failure(_ message: String, at offset: Int) -> EvaluationError {
        EvaluationError(message: message, location: location(offset))
    }

    func evaluate(_ expression: Expression) throws(EvaluationError) -> Value {
        switch expression {
        case .literal(let value, _):
            return value
        case .name(let name, let offset):
            guard let value = context.value(of: name) else {
                throw failure("'\(name)' is not defined here", at: offset)
            }
            return value
        case .list(let items, _):
            var values: [Value] = []
            values.reserveCapacity(items.count)
            for item in items { values.append(try evaluate(item)) }
            return .array(values)
        case .object(let members, _):
            var values: [String: Value] = [:]
            values.reserveCapacity(members.count)
            for member in members { values[member.key] = try evaluate(member.value) }
            return .object(values)
        case .member(let baseExpression, let field, let offset):
            return try member(of: try evaluate(baseExpression), field, at: offset)
        case .index(let baseExpression, let indexExpression, let offset):
            return try index(try evaluate(baseExpression), by: try evaluate(indexExpression), at: offset)
        case .call(let name, let argumentExpressions, let offset):
            // One reference to the entry's arity and body, not a copy of the entry with its four strings.
            guard let function = BuiltinFunctions.callable[name] else {
                throw failure("unknown function '\(name)'", at: offset)
            }
            guard function.arity.contains(argumentExpressions.count) else {
                throw failure("\(name) takes \(function.arityText), got \(argumentExpressions.count)", at: offset)
            }
            var values: [Value] = []
            values.reserveCapacity(argumentExpressions.count)
            for argument in argumentExpressions { values.append(try evaluate(argument)) }
            return try function.body(BuiltinArguments(function: name, values: values, location: location(offset)))
        case .unary(let op, let operandExpression, let offset):
            let operand = try evaluate(operandExpression)
            switch op {
            case .not: return .bool(!operand.isTruthy)
            case .negate:
                switch operand {
                case .number(let n): return .number(-n)
                case .duration(let d): return .duration(-d)
                default: throw failure("cannot negate a \(operand.typeName)", at: offset)
                }
            }
        case .binary(let op, let leftExpression, let rightExpression, let offset):
            switch op {
            case .and:
                guard try evaluate(leftExpression).isTruthy else { return .bool(false) }
                return .bool(try evaluate(rightExpression).isTruthy)
            case .or:
                if try evaluate(leftExpression).isTruthy { return .bool(true) }
                return .bool(try evaluate(rightExpression).isTruthy)
            case .coalesce:
                let left = try evaluate(leftExpression)
                return left.isNull ? try evaluate(rightExpression) : left
            default:
                return try Operators.apply(
                    op, try evaluate(leftExpression), try evaluate(rightExpression), at: location(offset))
            }
        case .conditional(let condition, let whenTrue, let whenFalse, _):
            return try evaluate(condition).isTruthy ? try evaluate(whenTrue) : try evaluate(whenFalse)
        case .invalid(let offset):
            throw failure("this part of the expression did not parse", at: offset)
        }
    }

    /// Objects with at most this many members are searched key by key rather than by hash.
    static let scannedMembers = 8

    /// `a.b`: null or a missing key is null (no information); other non-objects are errors.
    func member(of value: Value, _ field: String, at offset: Int) throws(EvaluationError) -> Value {
        switch value {
        case .object(let members):
            // A small object (`input`, an airport, `vars.lookups`, …): comparing its few keys with the
            // field name is cheaper than hashing the name (same equality as the table's lookup).
            guard members.count <= Self.scannedMembers else { return members[field] ?? .null }
            var index = members.startIndex
            while index != members.endIndex {
                if members.keys[index] == field { return members.values[index] }
                members.formIndex(after: &index)
            }
            return .null
        case .null: return .null
        default: throw failure("cannot read field '\(field)' of a \(value.typeName)", at: offset)
        }
    }

    /// `a[i]`: lists by whole number (negative counts from the end), objects by string key;
    /// out of range, missing key or null base is null.
    func index(_ value: Value, by key: Value, at offset: Int) throws(EvaluationError) -> Value {
        switch (value, key) {
        case (.null, _): return .null
        case (.object(let members), .string(let k)): return members[k] ?? .null
        case (.array(let items), .number):
            guard let i = key.intValue else { throw failure("a list index must be a whole number", at: offset) }
            let position = i < 0 ? items.count + i : i
            return items.indices.contains(position) ? items[position] : .null
        case (.string(let s), .number):
            guard let i = key.intValue else { throw failure("a string index must be a whole number", at: offset) }
            let characters = Array(s)
            let position = i < 0 ? characters.count + i : i
            return characters.indices.contains(position) ? .string(String(characters[position])) : .null
        default:
            throw failure("cannot index a \(value.typeName) with a \(key.typeName)", at: offset)
        }
    }
}
