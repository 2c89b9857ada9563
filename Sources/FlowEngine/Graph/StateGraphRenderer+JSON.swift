extension StateGraphRenderer {
    /// The graph as JSON, for frontends that draw it themselves: `{start, states: [{id, name,
    /// kind, label, terminal, edges: [{to, label, error}], graphs: [{name, start, states}]}]}`,
    /// where `graphs` are a parallel state's branches or a for_each body, and ids are the ones
    /// edges name (nested states' ids carry their parents' names: `state/branch/inner`).
    public func json() -> Value {
        Self.json(flow.graph, prefix: "")
    }

    private static func json(_ graph: StateGraph, prefix: String) -> Value {
        .object([
            "start": .string(prefix + graph.start.value),
            "states": .array(graph.states.map { state in
                let id = prefix + state.name.value
                let edges = edges(of: state, prefix: prefix).map { edge -> Value in
                    ["to": .string(edge.to), "label": .string(edge.label), "error": .bool(edge.isError)]
                }
                let graphs = nested(state).map { name, sub -> Value in
                    guard case .object(var members) = json(sub, prefix: id + "/" + name + "/") else { return .null }
                    members["name"] = .string(name)
                    return .object(members)
                }
                return .object([
                    "id": .string(id), "name": .string(state.name.value), "kind": .string(state.kind.keyword),
                    "label": .string(label(of: state)), "terminal": .bool(state.kind.isTerminal),
                    "edges": .array(edges), "graphs": .array(graphs),
                ])
            }),
        ])
    }
}
