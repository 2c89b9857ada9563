/// F101: `start` and every transition name a state of the same graph.
struct StateTargetsRule: ValidationRule {
    func check(_ flow: Flow, in context: ValidationContext) -> [Diagnostic] {
        var out: [Diagnostic] = []
        let walk = context.walk(of: flow)
        for (index, visit) in walk.visits.enumerated() {
            let names = visit.graph.states.map(\.name.value)
            let known = Set(names)
            func expect(_ target: Located<String>) {
                guard !target.value.isEmpty, !known.contains(target.value) else { return }
                var message = "no state '\(target.value)' in \(visit.label)"
                if let suggestion = Spelling.closest(to: target.value, in: names) { message += "; did you mean '\(suggestion)'?" }
                out.append(.error(.unknownState, message, at: target.location))
            }
            expect(visit.graph.start)
            for walked in walk.states(of: index) { walked.transitions.forEach(expect) }
        }
        return out
    }
}
