/// Static checks of expressions before a flow runs.
public enum ExpressionChecking {
    /// Parses and checks: syntax (E301), unknown names (E302: root not in scope, `settings.x` not
    /// declared, `input.x` not declared, `vars.x` never saved), unknown functions (E303), arity
    /// (E304), obvious literal type errors (E305: an operation or call whose operands are all
    /// literals fails), literal unknown airport codes in `airport("XXX")` (E306). Locations point
    /// at the exact character inside the document.
    public static func check(_ source: ExpressionSource, in scope: ExpressionScope) -> [Diagnostic] {
        let parsed = source.compiled
        var checker = ExpressionChecker(scope: scope, base: source.location)
        for error in parsed.errors {
            checker.report(.expressionSyntax, error.message, at: error.offset)
        }
        checker.visit(parsed.expression)
        return checker.diagnostics
    }

    /// Checks every expression inside the template.
    public static func check(_ template: ValueTemplate, in scope: ExpressionScope) -> [Diagnostic] {
        template.expressions.flatMap { check($0, in: scope) }
    }

    /// Names of every built-in function, sorted.
    public static var functionNames: [String] { BuiltinFunctions.all.map(\.name).sorted() }
}

struct ExpressionChecker {
    var scope: ExpressionScope
    var base: SourceLocation
    var diagnostics: [Diagnostic] = []

    mutating func report(_ code: DiagnosticCode, _ message: String, at offset: Int) {
        diagnostics.append(.error(code, message, at: base.advanced(byColumns: offset)))
    }

    /// Visits the tree; returns whether the node is free of reported problems (so that
    /// constant folding is not attempted on parts already reported).
    @discardableResult
    mutating func visit(_ expression: Expression) -> Bool {
        switch expression {
        case .literal:
            return true
        case .invalid:
            return false
        case .name(let name, let offset):
            guard scope.roots.contains(name) else {
                let known = scope.roots.sorted().joined(separator: ", ")
                report(
                    .unknownName, "'\(name)' is not defined here (available: \(known))\(suggestion(name, scope.roots))",
                    at: offset)
                return false
            }
            return true
        case .member(let baseExpression, let field, let offset):
            guard visit(baseExpression) else { return false }
            if case .name(let root, _) = baseExpression { return checkField(root: root, field: field, at: offset) }
            return true
        case .index(let baseExpression, let indexExpression, _):
            let baseOK = visit(baseExpression)
            let indexOK = visit(indexExpression)
            if baseOK, indexOK, case .name(let root, _) = baseExpression,
                case .literal(.string(let field), let offset) = indexExpression
            {
                return checkField(root: root, field: field, at: offset)
            }
            return baseOK && indexOK
        case .list(let items, _):
            return items.map { visit($0) }.allSatisfy { $0 }
        case .object(let members, _):
            return members.map { visit($0.value) }.allSatisfy { $0 }
        case .call(let name, let arguments, let offset):
            let argumentsOK = arguments.map { visit($0) }.allSatisfy { $0 }
            guard let function = BuiltinFunctions.table[name] else {
                let names = Set(BuiltinFunctions.table.keys)
                report(.unknownFunction, "unknown function '\(name)'\(suggestion(name, names))", at: offset)
                return false
            }
            guard function.arity.contains(arguments.count) else {
                report(.wrongArity, "\(name) takes \(function.arityText), got \(arguments.count)", at: offset)
                return false
            }
            if name == "airport", case .literal(.string(let code), let codeOffset) = arguments[0],
                Airports.lookup(code) == nil
            {
                report(.unknownAirport, Airports.unknownCode(code), at: codeOffset)
                return false
            }
            return argumentsOK && fold(expression)
        case .unary(_, let operand, _):
            return visit(operand) && fold(expression)
        case .binary(_, let left, let right, _):
            let leftOK = visit(left)
            let rightOK = visit(right)
            return leftOK && rightOK && fold(expression)
        case .conditional(let condition, let whenTrue, let whenFalse, _):
            return [visit(condition), visit(whenTrue), visit(whenFalse)].allSatisfy { $0 }
        }
    }

    /// `settings.x`, `input.x`, `vars.x` against the declared names.
    private mutating func checkField(root: String, field: String, at offset: Int) -> Bool {
        let declared: Set<String>?
        let what: String
        switch root {
        case "settings": (declared, what) = (scope.settings, "setting")
        case "input": (declared, what) = (scope.inputFields, "input field")
        case "vars": (declared, what) = (scope.vars, "variable saved by any state")
        default: return true
        }
        guard let declared, !declared.contains(field) else { return true }
        report(
            .unknownName, "'\(root).\(field)': no \(what) named '\(field)'\(suggestion(field, declared))", at: offset)
        return false
    }

    /// An operation whose operands are all literals is evaluated now; if that fails, the
    /// expression can never succeed (E305).
    private mutating func fold(_ expression: Expression) -> Bool {
        guard expression.isConstant else { return true }
        do {
            _ = try Evaluator(context: EvaluationContext(bindings: [:]), base: base).evaluate(expression)
            return true
        } catch {
            diagnostics.append(.error(.expressionType, error.message, at: error.location))
            return false
        }
    }

    private func suggestion(_ name: String, _ candidates: Set<String>) -> String {
        guard let best = candidates.min(by: { editDistance(name, $0) < editDistance(name, $1) }),
            editDistance(name, best) <= max(1, name.count / 3)
        else { return "" }
        return "; did you mean '\(best)'?"
    }

    private func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}

extension ExpressionChecking {
    /// A Markdown table of every built-in function (signature, summary, example), for docs and `flowctl`.
    public static var functionReferenceMarkdown: String {
        var out = "| Function | What it does | Example |\n|---|---|---|\n"
        for function in BuiltinFunctions.all {
            let cells = [function.signature, function.summary, function.example].map {
                $0.replacingOccurrences(of: "|", with: "\\|")
            }
            out += "| `\(cells[0])` | \(cells[1]) | `\(cells[2])` |\n"
        }
        return out
    }
}
