/// F103: from every state some path reaches succeed, fail or a bounded wait (a wait or an
/// approval: polling loops that sleep between rounds are fine, busy loops are not).
struct TerminationRule: ValidationRule {
    func check(_ flow: Flow, in context: ValidationContext) -> [Diagnostic] {
        var out: [Diagnostic] = []
        let walk = context.walk(of: flow)
        for (visitIndex, visit) in walk.visits.enumerated() {
            let states = walk.states(of: visitIndex)
            // By name number: whether some path from a state of that name ends well.
            var good = [Bool](repeating: false, count: visit.names.count)
            for walked in states {
                switch walked.state.kind {
                case .succeed, .fail, .wait, .approval: good[walked.name] = true
                default:
                    // A state with no way on is reported by F112/F101, not here.
                    if walked.transitions.isEmpty { good[walked.name] = true }
                }
            }
            var changed = true
            while changed {
                changed = false
                for walked in states where !good[walked.name] {
                    // An unknown target is F101's to report, so it counts as a way out here.
                    if walked.targets.contains(where: { good[$0] || $0 >= visit.stateNameCount }) {
                        good[walked.name] = true
                        changed = true
                    }
                }
            }
            let stuck = states.filter { !good[$0.name] }
            guard let first = stuck.first else { continue }
            let list = stuck.map { "'\($0.state.name.value)'" }.joined(separator: ", ")
            out.append(.error(.noTerminalPath,
                              "no path from \(list) reaches succeed, fail or a bounded wait (an endless loop)",
                              at: first.state.name.location))
        }
        return out
    }
}
