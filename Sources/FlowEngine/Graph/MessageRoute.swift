/// Where a flow sends one message type, read from the flow alone: the `notify.send` states whose
/// `type:` is that literal, and how far each state of the same graph is from one of them. It says
/// which decisions of a timeline led away from sending (``ledAway(choice:to:)``) and which
/// deferrals delayed it (``precedesSend(_:)``), for `flowctl explain --message TYPE`.
public struct MessageRoute: Sendable {
    /// The message type, e.g. `REMINDER_24H`.
    public var type: String
    /// The states that send it (any graph: the flow's, a branch's, a for_each body's), in document order.
    public var senders: [String]
    /// The transitions from a state to the nearest sender of its graph (0: a sender, or a
    /// `parallel`/`for_each` with one inside); absent: none within ``horizon``.
    public var distances: [String: Int]
    /// Each choice state's possible next states (its branches' and its default).
    public var choices: [String: [String]]

    /// Transitions followed from a state before it counts as not leading to a sender.
    public static let horizon = 6
    /// A choice is about the message when one of its branches is at most this far from a sender.
    public static let nearby = 2

    public init(type: String, flow: Flow) {
        self.type = type
        senders = []
        distances = [:]
        choices = [:]
        _ = visit(flow.graph)
    }

    /// Whether choice `choice` taking `next` turned away from the message: another of its branches
    /// leads to a sender within ``nearby`` transitions, the one taken within ``horizon`` does not.
    public func ledAway(choice: String, to next: String) -> Bool {
        guard let targets = choices[choice], distances[next] == nil,
              let best = targets.compactMap({ distances[$0] }).min() else { return false }
        return best <= Self.nearby
    }

    /// Whether `state` (a wait) leads to a sender straight or through one state (the reminder's
    /// weather lookup between its wait and its send): its deferral delays the message.
    public func precedesSend(_ state: String) -> Bool {
        guard let distance = distances[state] else { return false }
        return distance <= 2
    }

    /// Records the graph's senders and distances (nested graphs first); whether it holds a sender.
    private mutating func visit(_ graph: StateGraph) -> Bool {
        var sending: Set<String> = []
        for state in graph.states {
            let name = state.name.value
            switch state.kind {
            case .step(let step):
                if step.step.value == "notify.send", case .literal(let value, _)? = step.argument(named: "type")?.value,
                   value.stringValue == type {
                    senders.append(name)
                    sending.insert(name)
                }
            case .choice(let choice):
                choices[name] = choice.branches.map(\.next.value) + [choice.defaultNext?.value].compactMap { $0 }
            case .parallel(let parallel):
                var inside = false
                for branch in parallel.branches {
                    if visit(branch.graph) { inside = true }
                }
                if inside { sending.insert(name) }
            case .forEach(let forEach):
                if visit(forEach.body) { sending.insert(name) }
            default: break
            }
        }
        // Backwards from the senders, one transition at a time.
        var predecessors: [String: [String]] = [:]
        for state in graph.states {
            for target in state.transitions { predecessors[target.value, default: []].append(state.name.value) }
        }
        var frontier = Array(sending)
        var distance = 0
        for name in frontier where distances[name] == nil { distances[name] = 0 }
        while !frontier.isEmpty, distance < Self.horizon {
            distance += 1
            var next: [String] = []
            for name in frontier {
                for predecessor in predecessors[name] ?? [] where distances[predecessor] == nil {
                    distances[predecessor] = distance
                    next.append(predecessor)
                }
            }
            frontier = next
        }
        return !sending.isEmpty
    }
}
