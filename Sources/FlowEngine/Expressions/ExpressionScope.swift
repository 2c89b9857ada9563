/// Names visible to expressions at a point in a flow.
public struct ExpressionScope: Sendable {
    /// Root names, e.g. `["input", "settings", "vars", "instance", "now", "error", "item", "event"]`.
    public var roots: Set<String>
    /// Declared setting names; nil = unchecked.
    public var settings: Set<String>?
    /// Declared top-level input fields; nil = unchecked.
    public var inputFields: Set<String>?
    /// Names any state stores with `save`; nil = unchecked.
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

/// A failure while evaluating an expression: what went wrong and at which character.
public struct EvaluationError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public var location: SourceLocation

    public init(message: String, location: SourceLocation) {
        self.message = message
        self.location = location
    }

    public var description: String { "\(location): \(message)" }
}

/// The values expression names resolve to (`input`, `settings`, `vars`, `now`, …).
public struct EvaluationContext: Sendable {
    public var bindings: [String: Value]
    /// Names that shadow `bindings` (a frame's `item`, `index`), read before them.
    var scope: [String: Value] = [:]
    /// `now`, read before `scope` and `bindings`: the interpreter passes its state's bindings as
    /// they are instead of copying them to add `now` and the frame scope.
    var now: Value?

    public init(bindings: [String: Value]) {
        self.bindings = bindings
    }

    init(bindings: [String: Value], scope: [String: Value], now: Value) {
        self.bindings = bindings
        self.scope = scope
        self.now = now
    }

    /// What `name` resolves to: `now`, then the scope, then the bindings.
    func value(of name: String) -> Value? {
        if let now, name.utf8.count == 3, name == "now" { return now }
        if !scope.isEmpty, let value = scope[name] { return value }
        // An instance's bindings are a handful of roots (`input`, `settings`, `vars`, `instance`,
        // `wake`): comparing the short names is cheaper than hashing the one looked up.
        guard bindings.count <= 8 else { return bindings[name] }
        var index = bindings.startIndex
        while index != bindings.endIndex {
            if bindings.keys[index] == name { return bindings.values[index] }
            bindings.formIndex(after: &index)
        }
        return nil
    }
}
