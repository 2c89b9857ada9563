extension Flow {
    /// The graph a frame runs in: the flow's own graph, or a parallel branch / for_each body
    /// reached through `path`; nil when the path names states this flow does not have.
    public func graph(at path: [Frame.GraphSegment]) -> StateGraph? {
        var graph = self.graph
        for segment in path {
            guard let holder = graph.state(named: segment.state) else { return nil }
            switch holder.kind {
            case .parallel(let parallel):
                guard let branch = parallel.branches.first(where: { $0.name.value == segment.branch }) else { return nil }
                graph = branch.graph
            case .forEach(let forEach): graph = forEach.body
            default: return nil
            }
        }
        return graph
    }
}
