/// F102: every state is reachable from its graph's `start`.
struct ReachabilityRule: ValidationRule {
    func check(_ flow: Flow, in context: ValidationContext) -> [Diagnostic] {
        var out: [Diagnostic] = []
        let walk = context.walk(of: flow)
        for (visitIndex, visit) in walk.visits.enumerated() {
            let graph = visit.graph
            let states = walk.states(of: visitIndex)
            // F101 already reports a start that names no state.
            guard let start = states.first(where: { $0.state.name.value == graph.start.value })?.name else { continue }
            // Each name's transition targets (the first state of a name wins, as in `state(named:)`);
            // unknown targets are reached but lead nowhere.
            var edges = [[Int]?](repeating: nil, count: visit.names.count)
            for walked in states where edges[walked.name] == nil { edges[walked.name] = walked.targets }
            let seen = Self.reachable(from: start, in: edges)
            // One diagnostic per unreachable region: the first state in document order, naming
            // the states only it leads to.
            var covered = [Bool](repeating: false, count: visit.names.count)
            for walked in states where !seen[walked.name] && !covered[walked.name] {
                var region = 0
                for (number, reached) in Self.reachable(from: walked.name, in: edges).enumerated()
                where reached && !seen[number] && !covered[number] {
                    covered[number] = true
                    region += 1
                }
                var message = "state '\(walked.state.name.value)' is never reached from '\(graph.start.value)'"
                if region > 1 { message += " (nor are the \(region - 1) state(s) it leads to)" }
                out.append(.error(.unreachableState, message, at: walked.state.name.location))
            }
        }
        return out
    }

    /// Which name numbers `root` leads to, itself included.
    static func reachable(from root: Int, in edges: [[Int]?]) -> [Bool] {
        var seen = [Bool](repeating: false, count: edges.count)
        seen[root] = true
        var queue = [root]
        while let name = queue.popLast() {
            for target in edges[name] ?? [] where !seen[target] {
                seen[target] = true
                queue.append(target)
            }
        }
        return seen
    }
}
