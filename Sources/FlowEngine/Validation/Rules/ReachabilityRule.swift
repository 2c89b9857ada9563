/// F102: every state is reachable from its graph's `start`.
struct ReachabilityRule: ValidationRule {
    func check(_ flow: Flow, in context: ValidationContext) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for visit in flow.graphVisits {
            let graph = visit.graph
            guard graph.state(named: graph.start.value) != nil else { continue }  // F101 already
            let seen = Self.reachable(from: [graph.start.value], in: graph)
            // One diagnostic per unreachable region: the first state in document order, naming
            // the states only it leads to.
            var covered: Set<String> = []
            for state in graph.states where !seen.contains(state.name.value) && !covered.contains(state.name.value) {
                let region = Self.reachable(from: [state.name.value], in: graph).subtracting(seen).subtracting(covered)
                covered.formUnion(region)
                var message = "state '\(state.name.value)' is never reached from '\(graph.start.value)'"
                if region.count > 1 { message += " (nor are the \(region.count - 1) state(s) it leads to)" }
                out.append(.error(.unreachableState, message, at: state.name.location))
            }
        }
        return out
    }

    static func reachable(from roots: [String], in graph: StateGraph) -> Set<String> {
        var seen = Set(roots)
        var queue = roots
        while let name = queue.popLast() {
            for target in graph.state(named: name)?.transitions ?? [] where seen.insert(target.value).inserted {
                queue.append(target.value)
            }
        }
        return seen
    }
}
