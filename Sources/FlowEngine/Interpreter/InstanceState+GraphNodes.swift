extension InstanceState {
    /// The graph node (``StateGraphRenderer``'s ids: `state`, or `parallel/branch/state` and
    /// `for_each/body/state` inside composites) of every frame still at work, with how many
    /// frames are there (a for_each's items can share one). A composite state waiting on its
    /// children counts as well as the children.
    public var graphNodeIDs: [String: Int] {
        var counts: [String: Int] = [:]
        for frame in frames.values {
            switch frame.phase {
            case .finished, .failed: continue
            default: break
            }
            let prefix = frame.graphPath.map { "\($0.state)/\($0.branch ?? "body")/" }.joined()
            counts[prefix + frame.state, default: 0] += 1
        }
        return counts
    }
}
