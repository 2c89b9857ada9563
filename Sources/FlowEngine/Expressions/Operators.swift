/// Arithmetic and comparison on values, shared by the evaluator and the checker's constant folding.
enum Operators {
    static func apply(_ op: Expression.BinaryOperator, _ l: Value, _ r: Value, at location: SourceLocation)
        throws(EvaluationError) -> Value
    {
        func mismatch() -> EvaluationError {
            EvaluationError(message: "cannot apply '\(op.rawValue)' to \(l.typeName) and \(r.typeName)", location: location)
        }
        switch op {
        case .add:
            switch (l, r) {
            case (.number(let a), .number(let b)): return .number(a + b)
            case (.instant(let a), .duration(let b)): return .instant(a + b)
            case (.duration(let a), .instant(let b)): return .instant(b + a)
            case (.duration(let a), .duration(let b)): return .duration(a + b)
            case (.string(let a), .string(let b)): return .string(a + b)
            case (.string(let a), _) where !r.isNull: return .string(a + r.interpolationText)
            case (_, .string(let b)) where !l.isNull: return .string(l.interpolationText + b)
            case (.array(let a), .array(let b)): return .array(a + b)
            default: throw mismatch()
            }
        case .subtract:
            switch (l, r) {
            case (.number(let a), .number(let b)): return .number(a - b)
            case (.instant(let a), .duration(let b)): return .instant(a - b)
            case (.instant(let a), .instant(let b)): return .duration(a - b)
            case (.duration(let a), .duration(let b)): return .duration(a - b)
            default: throw mismatch()
            }
        case .multiply:
            switch (l, r) {
            case (.number(let a), .number(let b)): return .number(a * b)
            case (.duration(let a), .number(let b)): return .duration(a * b)
            case (.number(let a), .duration(let b)): return .duration(b * a)
            default: throw mismatch()
            }
        case .divide:
            switch (l, r) {
            case (.number(let a), .number(let b)):
                guard b != 0 else { throw EvaluationError(message: "division by zero", location: location) }
                return .number(a / b)
            case (.duration(let a), .number(let b)):
                guard b != 0 else { throw EvaluationError(message: "division by zero", location: location) }
                return .duration(a * (1 / b))
            case (.duration(let a), .duration(let b)):
                guard b.milliseconds != 0 else { throw EvaluationError(message: "division by zero", location: location) }
                return .number(Double(a.milliseconds) / Double(b.milliseconds))
            default: throw mismatch()
            }
        case .remainder:
            switch (l, r) {
            case (.number(let a), .number(let b)):
                guard b != 0 else { throw EvaluationError(message: "division by zero", location: location) }
                return .number(a.truncatingRemainder(dividingBy: b))
            case (.duration(let a), .duration(let b)):
                guard b.milliseconds != 0 else { throw EvaluationError(message: "division by zero", location: location) }
                return .duration(TimeSpan(milliseconds: a.milliseconds % b.milliseconds))
            default: throw mismatch()
            }
        case .equal: return .bool(l == r)
        case .notEqual: return .bool(l != r)
        case .less, .lessEqual, .greater, .greaterEqual:
            guard let order = compare(l, r) else {
                throw EvaluationError(
                    message: "cannot order \(l.typeName) and \(r.typeName) with '\(op.rawValue)'", location: location)
            }
            switch op {
            case .less: return .bool(order < 0)
            case .lessEqual: return .bool(order <= 0)
            case .greater: return .bool(order > 0)
            default: return .bool(order >= 0)
            }
        case .and: return .bool(l.isTruthy && r.isTruthy)
        case .or: return .bool(l.isTruthy || r.isTruthy)
        case .coalesce: return l.isNull ? r : l
        }
    }

    /// -1, 0 or 1 for two values of the same orderable type; nil otherwise.
    static func compare(_ l: Value, _ r: Value) -> Int? {
        func sign<T: Comparable>(_ a: T, _ b: T) -> Int { a < b ? -1 : (a == b ? 0 : 1) }
        switch (l, r) {
        case (.number(let a), .number(let b)): return sign(a, b)
        case (.string(let a), .string(let b)): return sign(a, b)
        case (.instant(let a), .instant(let b)): return sign(a, b)
        case (.duration(let a), .duration(let b)): return sign(a, b)
        case (.bool(let a), .bool(let b)): return sign(a ? 1 : 0, b ? 1 : 0)
        default: return nil
        }
    }
}
