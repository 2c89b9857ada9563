/// The syntax tree of one expression. Every node carries `offset`, the Unicode-scalar offset of
/// its first character from the start of the expression text (parse results are cached by text,
/// so nodes hold offsets and locations are made when a diagnostic or error needs one).
indirect enum Expression: Sendable, Hashable {
    enum UnaryOperator: String, Sendable, Hashable {
        case not = "!"
        case negate = "-"
    }

    enum BinaryOperator: String, Sendable, Hashable {
        case multiply = "*", divide = "/", remainder = "%"
        case add = "+", subtract = "-"
        case less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
        case equal = "==", notEqual = "!="
        case and = "&&", or = "||", coalesce = "??"
    }

    struct ObjectMember: Sendable, Hashable {
        var key: String
        var value: Expression
    }

    case literal(Value, offset: Int)
    case name(String, offset: Int)
    case list([Expression], offset: Int)
    case object([ObjectMember], offset: Int)
    /// `base.field`; `offset` is that of the field name.
    case member(Expression, String, offset: Int)
    /// `base[index]`; `offset` is that of the `[`.
    case index(Expression, Expression, offset: Int)
    case call(String, [Expression], offset: Int)
    case unary(UnaryOperator, Expression, offset: Int)
    /// `offset` is that of the operator.
    case binary(BinaryOperator, Expression, Expression, offset: Int)
    case conditional(Expression, Expression, Expression, offset: Int)
    /// Stands for a part that did not parse; never evaluated (a syntax error was reported).
    case invalid(offset: Int)

    var offset: Int {
        switch self {
        case .literal(_, let o), .name(_, let o), .list(_, let o), .object(_, let o), .member(_, _, let o),
            .index(_, _, let o), .call(_, _, let o), .unary(_, _, let o), .binary(_, _, _, let o),
            .conditional(_, _, _, let o), .invalid(let o):
            o
        }
    }

    /// Offset of the leftmost character of the node (for a binary node, its left operand).
    var startOffset: Int {
        switch self {
        case .member(let base, _, _), .index(let base, _, _), .binary(_, let base, _, _),
            .conditional(let base, _, _, _):
            base.startOffset
        default: offset
        }
    }

    /// Whether the node is a literal with no names or calls inside.
    var isConstant: Bool {
        switch self {
        case .literal: true
        case .list(let items, _): items.allSatisfy(\.isConstant)
        case .object(let members, _): members.allSatisfy(\.value.isConstant)
        case .unary(_, let operand, _): operand.isConstant
        case .binary(_, let l, let r, _): l.isConstant && r.isConstant
        case .conditional(let c, let a, let b, _): c.isConstant && a.isConstant && b.isConstant
        case .call(_, let arguments, _): arguments.allSatisfy(\.isConstant)
        case .name, .member, .index, .invalid: false
        }
    }
}
