/// F103: from every state some path reaches succeed, fail or a bounded wait (a wait or an
/// approval: polling loops that sleep between rounds are fine, busy loops are not).
struct TerminationRule: ValidationRule {
    func check(_ flow: Flow, in context: ValidationContext) -> [Diagnostic] {
        var out: [Diagnostic] = []
        let walk = context.walk(of: flow)
        for (visitIndex, visit) in walk.visits.enumerated() {
            let graph = visit.graph
            let transitions = walk.states(of: visitIndex).map(\.transitions)
            var good: Set<String> = []
            for (index, state) in graph.states.enumerated() {
                switch state.kind {
                case .succeed, .fail, .wait, .approval: good.insert(state.name.value)
                default:
                    // A state with no way on is reported by F112/F101, not here.
                    if transitions[index].isEmpty { good.insert(state.name.value) }
                }
            }
            let names = Set(graph.states.map(\.name.value))
            var changed = true
            while changed {
                changed = false
                for (index, state) in graph.states.enumerated() where !good.contains(state.name.value) {
                    if transitions[index].contains(where: { good.contains($0.value) || !names.contains($0.value) }) {
                        good.insert(state.name.value)
                        changed = true
                    }
                }
            }
            let stuck = graph.states.filter { !good.contains($0.name.value) }
            guard let first = stuck.first else { continue }
            let list = stuck.map { "'\($0.name.value)'" }.joined(separator: ", ")
            out.append(.error(.noTerminalPath,
                              "no path from \(list) reaches succeed, fail or a bounded wait (an endless loop)",
                              at: first.name.location))
        }
        return out
    }
}
