/// F102: every state is reachable from its graph's `start`.
struct ReachabilityRule: ValidationRule {
    func check(_ flow: Flow, in context: ValidationContext) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for visit in flow.graphVisits {
            let graph = visit.graph
            guard graph.state(named: graph.start.value) != nil else { continue }  // F101 already
            var seen: Set<String> = [graph.start.value]
            var queue = [graph.start.value]
            while let name = queue.popLast() {
                for target in graph.state(named: name)?.transitions ?? [] where seen.insert(target.value).inserted {
                    queue.append(target.value)
                }
            }
            for state in graph.states where !seen.contains(state.name.value) {
                out.append(.error(.unreachableState, "state '\(state.name.value)' is never reached from '\(graph.start.value)'",
                                  at: state.name.location))
            }
        }
        return out
    }
}
