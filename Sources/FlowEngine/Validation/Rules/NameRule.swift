/// F118: flow, state, setting and saved names are lowercase identifiers.
struct NameRule: ValidationRule {
    func check(_ flow: Flow, in context: ValidationContext) -> [Diagnostic] {
        var out: [Diagnostic] = []
        func expect(_ name: Located<String>, _ what: String, allowDash: Bool) {
            guard !name.value.isEmpty, !Self.isIdentifier(name.value, allowDash: allowDash) else { return }
            let shape = allowDash ? "lowercase letters, digits, '_' and '-'" : "lowercase letters, digits and '_'"
            out.append(.error(.invalidName, "\(what) '\(name.value)' must start with a letter and use \(shape)",
                              at: name.location))
        }
        expect(flow.name, "flow name", allowDash: true)
        for setting in flow.settings { expect(setting.name, "setting name", allowDash: false) }
        for field in flow.input { expect(field.name, "input name", allowDash: false) }
        for walked in context.walk(of: flow).states {
            let state = walked.state
            expect(state.name, "state name", allowDash: true)
            if case .set(let set) = state.kind { set.values.forEach { expect($0.name, "variable name", allowDash: false) } }
        }
        return out
    }

    static func isIdentifier(_ name: String, allowDash: Bool) -> Bool {
        guard let first = name.unicodeScalars.first, ("a"..."z").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" || (allowDash && $0 == "-")
        }
    }
}
