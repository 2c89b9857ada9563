// Placeholder until branch `expr` is merged: the real checker replaces this file.

/// The names an expression may use where it appears.
public struct ExpressionScope: Sendable {
    public var roots: Set<String>
    public var settings: Set<String>?
    public var inputFields: Set<String>?
    public var vars: Set<String>?

    public init(
        roots: Set<String>, settings: Set<String>? = nil, inputFields: Set<String>? = nil, vars: Set<String>? = nil
    ) {
        self.roots = roots
        self.settings = settings
        self.inputFields = inputFields
        self.vars = vars
    }
}

/// Static checks of expressions (syntax, names, functions, arities).
public enum ExpressionChecking {
    public static func check(_ source: ExpressionSource, in scope: ExpressionScope) -> [Diagnostic] { [] }
    public static func check(_ template: ValueTemplate, in scope: ExpressionScope) -> [Diagnostic] {
        template.expressions.flatMap { check($0, in: scope) }
    }
}
