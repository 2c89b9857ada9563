/// An expression written back as text, the way a person would type it (`vars.departure -
/// settings.reminder_before`): used to name the parts of a condition a decision explains.
extension Expression {
    var text: String { text(parent: nil) }

    private func text(parent: Int?) -> String {
        switch self {
        case .literal(let value, _): return ExpressionTrace.text(of: value, limit: 40)
        case .name(let name, _): return name
        case .list(let items, _): return "[" + items.map(\.text).joined(separator: ", ") + "]"
        case .object(let members, _):
            return "{" + members.map { "\($0.key): \($0.value.text)" }.joined(separator: ", ") + "}"
        case .member(let base, let field, _): return base.text(parent: Int.max) + "." + field
        case .index(let base, let index, _): return base.text(parent: Int.max) + "[" + index.text + "]"
        case .call(let name, let arguments, _): return name + "(" + arguments.map(\.text).joined(separator: ", ") + ")"
        case .unary(let op, let operand, _): return op.rawValue + operand.text(parent: Int.max)
        case .binary(let op, let left, let right, _):
            let precedence = Self.precedence(op)
            let inner = left.text(parent: precedence) + " \(op.rawValue) " + right.text(parent: precedence + 1)
            return parent.map { $0 > precedence } == true ? "(" + inner + ")" : inner
        case .conditional(let condition, let whenTrue, let whenFalse, _):
            let inner = "\(condition.text(parent: 1)) ? \(whenTrue.text) : \(whenFalse.text)"
            return parent == nil ? inner : "(" + inner + ")"
        case .invalid: return "…"
        }
    }

    private static func precedence(_ op: BinaryOperator) -> Int {
        switch op {
        case .coalesce: 2
        case .or: 3
        case .and: 4
        case .equal, .notEqual: 5
        case .less, .lessEqual, .greater, .greaterEqual: 6
        case .add, .subtract: 7
        case .multiply, .divide, .remainder: 8
        }
    }
}
