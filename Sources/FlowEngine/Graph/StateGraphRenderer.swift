#if canImport(FoundationEssentials)
import FoundationEssentials
#endif
import Foundation

/// Draws a flow's states as Mermaid `stateDiagram-v2` or Graphviz dot: labelled edges (next,
/// when, default, on_timeout, on_approve/on_reject, catch [classes]), retries as self-loops,
/// waits and approvals with their bound, parallel branches and for_each bodies as subgraphs.
public struct StateGraphRenderer: Sendable {
    public struct Edge: Sendable, Hashable {
        public var from: String
        public var to: String
        public var label: String
        public var isError: Bool = false
    }

    public let flow: Flow

    public init(flow: Flow) {
        self.flow = flow
    }

    // MARK: Model

    public static func label(of state: State) -> String {
        switch state.kind {
        case .step(let s): return "step \(s.step.value)"
        case .choice: return "choice"
        case .wait(let w):
            var text: String
            switch w.condition {
            case .duration(let t): text = "wait for \(show(t))"
            case .until(let t): text = "wait until \(show(t))"
            case .event(let e): text = "wait event \(e.name.value) ≤ \(e.timeout.map(show) ?? "?")"
            }
            if let window = w.window { text += " (quiet \(show(window.quiet)))" }
            return text
        case .approval(let a): return "approval ≤ \(a.expiresIn.map(show) ?? "?")"
        case .parallel(let p): return "parallel (join \(p.join.value.rawValue))"
        case .forEach(let f): return "for_each \(f.itemName.value) ≤ \(f.maxItems.map { String($0.value) } ?? "?")"
        case .set: return "set"
        case .succeed: return "succeed"
        case .fail(let f): return "fail \(f.error?.value ?? "")"
        }
    }

    static func show(_ template: ValueTemplate) -> String {
        if let value = template.literalValue { return value.stringValue ?? value.jsonText }
        return template.expressions.map { "${{ \($0.text) }}" }.joined(separator: " ")
    }

    public static func edges(of state: State, prefix: String) -> [Edge] {
        let id = prefix + state.name.value
        func to(_ target: Located<String>?, _ label: String, error: Bool = false) -> Edge? {
            target.map { Edge(from: id, to: prefix + $0.value, label: label, isError: error) }
        }
        func catches(_ clauses: [CatchClause]) -> [Edge] {
            clauses.compactMap { c in
                let classes = c.errors.isEmpty ? "*" : c.errors.map(\.value.rawValue).joined(separator: ", ")
                return to(c.next, "catch [\(classes)]", error: true)
            }
        }
        switch state.kind {
        case .step(let s):
            var out = [to(s.next, "next")].compactMap { $0 } + catches(s.catches)
            if let retry = s.retry {
                let attempts = retry.maxAttempts.literalValue.map { $0.jsonText } ?? "n"
                let classes = retry.retriedClasses.map(\.rawValue).joined(separator: ", ")
                out.append(Edge(from: id, to: id, label: "retry ×\(attempts) [\(classes)]", isError: true))
            }
            return out
        case .choice(let c):
            return c.branches.compactMap { to($0.next, "when \(show($0.when))") } + [to(c.defaultNext, "default")].compactMap { $0 }
        case .wait(let w):
            var out = [to(w.next, "next")].compactMap { $0 }
            if case .event(let e) = w.condition, let edge = to(e.onTimeout, "on_timeout", error: true) { out.append(edge) }
            return out
        case .approval(let a):
            var out = [to(a.onApprove, "on_approve"), to(a.onReject, "on_reject")].compactMap { $0 }
            if let timeout = a.timeoutTarget, let edge = to(timeout, "on_timeout", error: true) { out.append(edge) }
            return out
        case .parallel(let p): return [to(p.next, "next")].compactMap { $0 } + catches(p.catches)
        case .forEach(let f): return [to(f.next, "next")].compactMap { $0 } + catches(f.catches)
        case .set(let s): return [to(s.next, "next")].compactMap { $0 }
        case .succeed, .fail: return []
        }
    }

    public static func nested(_ state: State) -> [(name: String, graph: StateGraph)] {
        switch state.kind {
        case .parallel(let p): p.branches.map { ($0.name.value, $0.graph) }
        case .forEach(let f): [("body", f.body)]
        default: []
        }
    }

    // MARK: Mermaid

    public func mermaid() -> String {
        var lines = ["stateDiagram-v2"]
        mermaid(flow.graph, prefix: "", indent: "    ", into: &lines)
        return lines.joined(separator: "\n")
    }

    private func mermaid(_ graph: StateGraph, prefix: String, indent: String, into lines: inout [String]) {
        lines.append("\(indent)[*] --> \(Self.id(prefix + graph.start.value))")
        for state in graph.states {
            let id = Self.id(prefix + state.name.value)
            let inner = Self.nested(state)
            if inner.isEmpty {
                lines.append("\(indent)\(id): \(state.name.value) — \(Self.mermaidText(Self.label(of: state)))")
            } else {
                lines.append("\(indent)state \"\(state.name.value) — \(Self.mermaidText(Self.label(of: state)))\" as \(id) {")
                for (index, sub) in inner.enumerated() {
                    if index > 0 { lines.append("\(indent)    --") }
                    mermaid(sub.graph, prefix: prefix + state.name.value + "__" + sub.name + "__", indent: indent + "    ",
                            into: &lines)
                }
                lines.append("\(indent)}")
            }
            if state.kind.isTerminal { lines.append("\(indent)\(id) --> [*]") }
            for edge in Self.edges(of: state, prefix: prefix) {
                lines.append("\(indent)\(Self.id(edge.from)) --> \(Self.id(edge.to)): \(Self.mermaidText(edge.label))")
            }
        }
    }

    static func id(_ name: String) -> String {
        String(name.map { $0.isLetter || $0.isNumber || $0 == "_" ? $0 : "_" })
    }

    static func mermaidText(_ text: String) -> String {
        text.replacingOccurrences(of: ":", with: "#58;").replacingOccurrences(of: "\n", with: " ")
    }

    // MARK: Dot

    /// - Parameter highlight: for drawing to SVG: every node gets its graph id (`id=`, the ids
    ///   ``json()`` and ``InstanceState/graphNodeIDs`` use) and the nodes given are filled, with
    ///   how many instances are in each after the name when above zero. Nil: plain dot.
    public func dot(highlight: [String: Int]? = nil) -> String {
        var lines = ["digraph \"\(Self.dotEscape(flow.name.value))\" {", "    rankdir=TB;", "    node [shape=box, style=rounded];"]
        dot(flow.graph, prefix: "", indent: "    ", highlight: highlight, into: &lines)
        lines.append("}")
        return lines.joined(separator: "\n")
    }

    private func dot(
        _ graph: StateGraph, prefix: String, indent: String, highlight: [String: Int]?, into lines: inout [String]
    ) {
        let startID = "\(prefix)__start"
        lines.append("\(indent)\"\(startID)\" [shape=point, label=\"\"];")
        lines.append("\(indent)\"\(startID)\" -> \"\(prefix + graph.start.value)\";")
        for state in graph.states {
            let id = prefix + state.name.value
            let shape: String
            switch state.kind {
            case .choice: shape = "diamond"
            case .wait, .approval: shape = "hexagon"
            case .succeed, .fail: shape = "doubleoctagon"
            default: shape = "box"
            }
            var name = state.name.value
            var extra = ""
            if let highlight {
                extra = ", id=\"\(Self.dotEscape(id))\""
                if let count = highlight[id] {
                    if count > 0 { name += " (\(count))" }
                    extra += ", style=\"rounded,filled,bold\", fillcolor=\"#ffe08a\", penwidth=2, class=\"occupied\""
                }
            }
            let label = Self.dotEscape("\(name)\n\(Self.label(of: state))")
            lines.append("\(indent)\"\(id)\" [label=\"\(label)\", shape=\(shape)\(extra)];")
            for (name, sub) in Self.nested(state) {
                let clusterPrefix = id + "/" + name + "/"
                lines.append("\(indent)subgraph \"cluster_\(clusterPrefix)\" {")
                lines.append("\(indent)    label=\"\(Self.dotEscape("\(state.name.value): \(name)"))\";")
                dot(sub, prefix: clusterPrefix, indent: indent + "    ", highlight: highlight, into: &lines)
                lines.append("\(indent)}")
                lines.append("\(indent)\"\(id)\" -> \"\(clusterPrefix)__start\" [style=dotted];")
            }
            for edge in Self.edges(of: state, prefix: prefix) {
                let style = edge.isError ? ", color=red, fontcolor=red, style=dashed" : ""
                lines.append("\(indent)\"\(edge.from)\" -> \"\(edge.to)\" [label=\"\(Self.dotEscape(edge.label))\"\(style)];")
            }
        }
    }

    static func dotEscape(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }
}
