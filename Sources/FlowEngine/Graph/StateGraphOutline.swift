/// A flow's states drawn as an SVG outline, for where Graphviz is not installed: one block per
/// state in declaration order (nested states indented under their composite), its kind and
/// bound, and one line per outgoing edge with its label; occupied states filled and counted.
/// Readable rather than pretty; node ids as in ``StateGraphRenderer``.
public struct StateGraphOutline: Sendable {
    public let flow: Flow

    public init(flow: Flow) {
        self.flow = flow
    }

    static let lineHeight = 18
    static let indentWidth = 24
    static let width = 960

    /// The SVG document; `highlight` as in ``StateGraphRenderer/dot(highlight:)``.
    public func svg(highlight: [String: Int] = [:]) -> String {
        var rows: [String] = []
        var y = 30
        rows.append("<text x=\"12\" y=\"20\" font-weight=\"bold\">\(Self.escape(flow.name.value)) (start: \(Self.escape(flow.graph.start.value)))</text>")
        outline(flow.graph, prefix: "", depth: 0, highlight: highlight, y: &y, into: &rows)
        let height = y + 10
        return """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Self.width)" height="\(height)" viewBox="0 0 \(Self.width) \(height)" role="img" aria-label="states of \(Self.escape(flow.name.value))" font-family="ui-monospace,monospace" font-size="13" fill="#1b1b1b">
            \(rows.joined(separator: "\n"))
            </svg>
            """
    }

    private func outline(
        _ graph: StateGraph, prefix: String, depth: Int, highlight: [String: Int], y: inout Int, into rows: inout [String]
    ) {
        for state in graph.states {
            let id = prefix + state.name.value
            let x = 12 + depth * Self.indentWidth
            let edges = StateGraphRenderer.edges(of: state, prefix: prefix)
            let height = (1 + edges.count) * Self.lineHeight + 6
            let occupied = highlight[id]
            rows.append("<g id=\"\(Self.escape(id))\"><rect x=\"\(x - 4)\" y=\"\(y)\" width=\"\(Self.width - x - 8)\" height=\"\(height)\" rx=\"4\" \(occupied == nil ? "fill=\"#f4f6fa\" stroke=\"#c5cbd6\"" : "class=\"occupied\" fill=\"#ffe08a\" stroke=\"#b38600\" stroke-width=\"2\"")/>")
            var name = state.name.value
            if let occupied, occupied > 0 { name += " (\(occupied))" }
            y += Self.lineHeight
            rows.append("<text x=\"\(x)\" y=\"\(y)\"><tspan font-weight=\"bold\">\(Self.escape(name))</tspan>  \(Self.escape(StateGraphRenderer.label(of: state)))</text>")
            for edge in edges {
                y += Self.lineHeight
                let target = edge.to.hasPrefix(prefix) ? String(edge.to.dropFirst(prefix.count)) : edge.to
                rows.append("<text x=\"\(x + 16)\" y=\"\(y)\" fill=\"\(edge.isError ? "#a11" : "#3d4b66")\">→ \(Self.escape(target))  \(Self.escape(edge.label))</text>")
            }
            rows.append("</g>")
            y += 10
            for (name, sub) in StateGraphRenderer.nested(state) {
                y += Self.lineHeight
                rows.append("<text x=\"\(x + Self.indentWidth)\" y=\"\(y)\" font-weight=\"bold\">\(Self.escape("\(state.name.value): \(name)")) (start: \(Self.escape(sub.start.value)))</text>")
                y += 8
                outline(sub, prefix: id + "/" + name + "/", depth: depth + 1, highlight: highlight, y: &y, into: &rows)
            }
        }
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(character)
            }
        }
        return out
    }
}
