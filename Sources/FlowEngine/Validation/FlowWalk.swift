/// One state graph of a flow with what encloses it: the flow's own graph, each parallel
/// branch and each for_each body, recursively.
struct GraphVisit: Sendable {
    var graph: StateGraph
    /// The `as` names of the for_each states around this graph, innermost last.
    var itemNames: [String]
    /// `"the flow"`, `"branch 'x'"`, `"the for_each body of 'y'"`.
    var label: String
    /// The graph's names, numbered: each state name once (in document order), then each
    /// transition target that names no state. Graph rules work on these numbers.
    var names: [String] = []
    /// How many of `names` are state names; a number at or past it is an unknown target.
    var stateNameCount = 0
}

/// One state in a walk: the state, its graph's visit and where it can go next.
struct WalkedState: Sendable {
    var state: State
    /// Index of the state's graph in `FlowWalk.visits`.
    var visit: Int
    /// `state.transitions`, computed once.
    var transitions: [Located<String>]
    /// The number of the state's name in its visit's `names` (states sharing a name share it).
    var name: Int
    /// The number of each transition's target in its visit's `names`.
    var targets: [Int]
}

/// A flow's graphs and states, walked once per validation and shared by every rule (each rule
/// used to walk the flow again).
struct FlowWalk: Sendable {
    /// Every graph, the flow's first, then nested ones depth first in document order.
    var visits: [GraphVisit]
    /// Every state of every graph, graph by graph, in document order.
    var states: [WalkedState]
    /// For each visit, the range of its states in `states`.
    var ranges: [Range<Int>]

    init(_ flow: Flow) {
        visits = []
        states = []
        ranges = []
        visit(flow.graph, items: [], label: "the flow")
    }

    private mutating func visit(_ graph: StateGraph, items: [String], label: String) {
        let index = visits.count
        visits.append(GraphVisit(graph: graph, itemNames: items, label: label))
        ranges.append(0..<0)
        let first = states.count
        states.reserveCapacity(states.count + graph.states.count)
        var numbers: [String: Int] = [:]
        var names: [String] = []
        func number(_ name: String) -> Int {
            if let known = numbers[name] { return known }
            names.append(name)
            numbers[name] = names.count - 1
            return names.count - 1
        }
        let stateNames = graph.states.map { number($0.name.value) }
        let stateNameCount = names.count
        for (position, state) in graph.states.enumerated() {
            let transitions = state.transitions
            states.append(WalkedState(
                state: state, visit: index, transitions: transitions, name: stateNames[position],
                targets: transitions.map { number($0.value) }))
        }
        ranges[index] = first..<states.count
        visits[index].names = names
        visits[index].stateNameCount = stateNameCount
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

    /// The states of one visit's graph, in document order.
    func states(of visit: Int) -> ArraySlice<WalkedState> { states[ranges[visit]] }

    /// Every name a `save`, `set` or stored outcome puts into `vars`.
    var varNames: Set<String> {
        var names: Set<String> = []
        func add(_ name: Located<String>?) { if let name { names.insert(name.value) } }
        for walked in states {
            switch walked.state.kind {
            case .step(let s): add(s.save); s.catches.forEach { add($0.save) }
            case .wait(let w):
                add(w.save)
                if case .event(let e) = w.condition { add(e.save) }
            case .approval(let a): add(a.save)
            case .parallel(let p): add(p.save); p.catches.forEach { add($0.save) }
            case .forEach(let f): add(f.save); f.catches.forEach { add($0.save) }
            case .set(let s): s.values.forEach { add($0.name) }
            case .choice, .succeed, .fail: break
            }
        }
        return names
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

    /// Calls `body` with every value template the state holds directly (not those of nested
    /// graphs), in the order they are written; no array is built.
    func forEachTemplate(_ body: (ValueTemplate) -> Void) {
        func each(_ template: ValueTemplate?) { if let template { body(template) } }
        switch kind {
        case .step(let s):
            for argument in s.arguments { body(argument.value) }
            each(s.idempotencyKey)
            each(s.timeout)
            if let r = s.retry {
                body(r.maxAttempts)
                each(r.initial)
                each(r.factor)
                each(r.maxDelay)
                each(r.budget)
            }
        case .choice(let c): for branch in c.branches { body(branch.when) }
        case .wait(let w):
            switch w.condition {
            case .duration(let t), .until(let t): body(t)
            case .event(let e):
                each(e.correlation)
                each(e.lookback)
                each(e.timeout)
            }
            if let window = w.window {
                body(window.quiet)
                body(window.zone)
                each(window.notAfter)
            }
        case .approval(let a):
            body(a.request)
            each(a.approvers)
            each(a.expiresIn)
            for notice in a.notify + (a.remind?.escalate?.notify ?? []) { notice.templates.forEach(body) }
            if let escalate = a.remind?.escalate { body(escalate.approvers) }
        case .parallel: break
        case .forEach(let f): body(f.items)
        case .set(let s): for value in s.values { body(value.value) }
        case .succeed(let s): each(s.output)
        case .fail(let f): each(f.message)
        }
    }
}
