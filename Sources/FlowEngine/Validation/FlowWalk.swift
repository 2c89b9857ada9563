/// One state graph of a flow with what encloses it: the flow's own graph, each parallel
/// branch and each for_each body, recursively.
struct GraphVisit {
    var graph: StateGraph
    /// The `as` names of the for_each states around this graph, innermost last.
    var itemNames: [String]
    /// `"the flow"`, `"branch 'x'"`, `"the for_each body of 'y'"`.
    var label: String
}

extension Flow {
    /// Every graph, the flow's first, then nested ones depth first in document order.
    var graphVisits: [GraphVisit] {
        var visits: [GraphVisit] = []
        func visit(_ graph: StateGraph, items: [String], label: String) {
            visits.append(GraphVisit(graph: graph, itemNames: items, label: label))
            for state in graph.states {
                switch state.kind {
                case .parallel(let parallel):
                    for branch in parallel.branches {
                        visit(branch.graph, items: items, label: "branch '\(branch.name.value)'")
                    }
                case .forEach(let loop):
                    visit(loop.body, items: items + [loop.itemName.value], label: "the body of '\(state.name.value)'")
                default: break
                }
            }
        }
        visit(graph, items: [], label: "the flow")
        return visits
    }

    /// Every state of every graph, with its visit.
    var allStates: [(state: State, visit: GraphVisit)] {
        graphVisits.flatMap { visit in visit.graph.states.map { ($0, visit) } }
    }

    /// Every name a `save`, `set` or stored outcome puts into `vars`.
    var varNames: Set<String> {
        var names: [Located<String>?] = []
        for (state, _) in allStates {
            switch state.kind {
            case .step(let s): names += [s.save] + s.catches.map(\.save)
            case .wait(let w):
                names.append(w.save)
                if case .event(let e) = w.condition { names.append(e.save) }
            case .approval(let a): names.append(a.save)
            case .parallel(let p): names += [p.save] + p.catches.map(\.save)
            case .forEach(let f): names += [f.save] + f.catches.map(\.save)
            case .set(let s): names += s.values.map { Optional($0.name) }
            case .choice, .succeed, .fail: break
            }
        }
        return Set(names.compactMap { $0?.value })
    }
}

extension State {
    /// Every state name this state can go to next, in the same graph.
    var transitions: [Located<String>] {
        switch kind {
        case .step(let s): [s.next].compactMap { $0 } + s.catches.map(\.next)
        case .choice(let c): c.branches.map(\.next) + [c.defaultNext].compactMap { $0 }
        case .wait(let w):
            if case .event(let e) = w.condition { [w.next, e.onTimeout].compactMap { $0 } } else { [w.next].compactMap { $0 } }
        case .approval(let a): [a.onApprove, a.onReject, a.onTimeout].compactMap { $0 }
        case .parallel(let p): [p.next].compactMap { $0 } + p.catches.map(\.next)
        case .forEach(let f): [f.next].compactMap { $0 } + f.catches.map(\.next)
        case .set(let s): [s.next].compactMap { $0 }
        case .succeed, .fail: []
        }
    }

    /// Every value template the state holds directly (not those of nested graphs).
    var templates: [ValueTemplate] {
        switch kind {
        case .step(let s):
            var all = s.arguments.map(\.value) + [s.idempotencyKey, s.timeout].compactMap { $0 }
            if let r = s.retry { all += [r.maxAttempts] + [r.initial, r.factor, r.maxDelay, r.budget].compactMap { $0 } }
            return all
        case .choice(let c): return c.branches.map(\.when)
        case .wait(let w):
            var all: [ValueTemplate]
            switch w.condition {
            case .duration(let t), .until(let t): all = [t]
            case .event(let e): all = [e.correlation, e.lookback, e.timeout].compactMap { $0 }
            }
            if let window = w.window { all += [window.quiet, window.zone] + [window.notAfter].compactMap { $0 } }
            return all
        case .approval(let a): return [a.request] + [a.approvers, a.expiresIn].compactMap { $0 }
        case .parallel: return []
        case .forEach(let f): return [f.items]
        case .set(let s): return s.values.map(\.value)
        case .succeed(let s): return [s.output].compactMap { $0 }
        case .fail(let f): return [f.message].compactMap { $0 }
        }
    }
}
