/// F102: every state is reachable from its graph's `start`.
struct ReachabilityRule: ValidationRule {
    func check(_ flow: Flow, in context: ValidationContext) -> [Diagnostic] {
        var out: [Diagnostic] = []
        let walk = context.walk(of: flow)
        for (index, visit) in walk.visits.enumerated() {
            let graph = visit.graph
            guard graph.state(named: graph.start.value) != nil else { continue }  // F101 already
            let edges = Self.edges(of: walk.states(of: index))
            let seen = Self.reachable(from: [graph.start.value], in: edges)
            // One diagnostic per unreachable region: the first state in document order, naming
            // the states only it leads to.
            var covered: Set<String> = []
            for state in graph.states where !seen.contains(state.name.value) && !covered.contains(state.name.value) {
                let region = Self.reachable(from: [state.name.value], in: edges).subtracting(seen).subtracting(covered)
                covered.formUnion(region)
                var message = "state '\(state.name.value)' is never reached from '\(graph.start.value)'"
                if region.count > 1 { message += " (nor are the \(region.count - 1) state(s) it leads to)" }
                out.append(.error(.unreachableState, message, at: state.name.location))
            }
        }
        return out
    }

    /// Each state's transition targets by state name (the first state of a name wins, as in `state(named:)`).
    static func edges(of states: ArraySlice<WalkedState>) -> [String: [String]] {
        var edges: [String: [String]] = [:]
        edges.reserveCapacity(states.count)
        for walked in states where edges[walked.state.name.value] == nil {
            edges[walked.state.name.value] = walked.transitions.map(\.value)
        }
        return edges
    }

    static func reachable(from roots: [String], in edges: [String: [String]]) -> Set<String> {
        var seen = Set(roots)
        var queue = roots
        while let name = queue.popLast() {
            for target in edges[name] ?? [] where seen.insert(target).inserted {
                queue.append(target)
            }
        }
        return seen
    }
}
