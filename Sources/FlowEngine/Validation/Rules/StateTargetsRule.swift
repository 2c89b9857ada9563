/// F101: `start` and every transition name a state of the same graph.
struct StateTargetsRule: ValidationRule {
    func check(_ flow: Flow, in context: ValidationContext) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for visit in flow.graphVisits {
            let names = visit.graph.states.map(\.name.value)
            func expect(_ target: Located<String>) {
                guard !target.value.isEmpty, !names.contains(target.value) else { return }
                var message = "no state '\(target.value)' in \(visit.label)"
                if let suggestion = Spelling.closest(to: target.value, in: names) { message += "; did you mean '\(suggestion)'?" }
                out.append(.error(.unknownState, message, at: target.location))
            }
            expect(visit.graph.start)
            for state in visit.graph.states { state.transitions.forEach(expect) }
        }
        return out
    }
}
