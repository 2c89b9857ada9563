/// The working state of one transition: the instance state being changed and the actions collected.
struct TransitionContext {
    let flow: Flow
    let now: Instant
    var state: InstanceState
    var budget: Int
    var actions: [InterpreterAction] = []
    /// Frames whose current state must be entered.
    var queue: [String] = []

    init(flow: Flow, now: Instant, state: InstanceState, budget: Int) {
        self.flow = flow
        self.now = now
        self.state = state
        self.budget = budget
        // A transition usually notes a few entries and a call or a timer: one allocation, no regrowth.
        actions.reserveCapacity(8)
    }

    // MARK: Lookups

    func graph(for path: [Frame.GraphSegment]) -> StateGraph? { flow.graph(at: path) }

    /// Where frame `id` sits in `state.frames`: one string comparison when it is the only frame
    /// (the usual case), a hash lookup otherwise.
    func frameIndex(_ id: String) -> Dictionary<String, Frame>.Index? {
        if state.frames.count == 1 {
            let first = state.frames.startIndex
            return state.frames.keys[first] == id ? first : nil
        }
        return state.frames.index(forKey: id)
    }

    func definition(of frameID: String) -> State? {
        guard let index = frameIndex(frameID) else { return nil }
        return definition(named: state.frames.values[index].state, at: state.frames.values[index].graphPath)
    }

    func definition(of frame: Frame) -> State? { definition(named: frame.state, at: frame.graphPath) }

    /// The state `name` of the graph at `path` (a frame's fields, read without copying the frame).
    func definition(named name: String, at path: [Frame.GraphSegment]) -> State? {
        // The root frame's graph is the flow's: no path to follow.
        if path.isEmpty { return flow.graph.state(named: name) }
        return graph(for: path)?.state(named: name)
    }

    /// The bindings as they are (no copy), with the frame's scope and `now` laid over them.
    func evaluationContext(for frameID: String) -> EvaluationContext {
        let scope = frameIndex(frameID).map { state.frames.values[$0].scope } ?? [:]
        return evaluationContext(scope: scope)
    }

    /// The same, with the scope of a frame the caller has already read (reading a field of a
    /// stored frame copies the whole frame).
    func evaluationContext(scope: [String: Value]) -> EvaluationContext {
        EvaluationContext(bindings: state.bindings, scope: scope, now: .instant(now))
    }

    func evaluate(_ template: ValueTemplate, in frameID: String) throws(FlowError) -> Value {
        try evaluate(template, in: evaluationContext(for: frameID))
    }

    /// Evaluates with a context built once, for several templates read while nothing they see changes.
    func evaluate(_ template: ValueTemplate, in context: EvaluationContext) throws(FlowError) -> Value {
        do {
            return try ExpressionEvaluation.evaluate(template, in: context)
        } catch {
            throw FlowError(.expression, message: "\(error)")
        }
    }

    func evaluateDuration(_ template: ValueTemplate, in frameID: String) throws(FlowError) -> TimeSpan {
        try evaluateDuration(template, in: evaluationContext(for: frameID))
    }

    func evaluateDuration(_ template: ValueTemplate, in context: EvaluationContext) throws(FlowError) -> TimeSpan {
        let value = try evaluate(template, in: context)
        if let span = value.durationValue { return span }
        if let text = value.stringValue, let span = TimeSpan(parsing: text) { return span }
        throw FlowError(.expression, message: "\(template.location): expected a duration, got \(value.typeName)")
    }

    func evaluateInstant(_ template: ValueTemplate, in frameID: String) throws(FlowError) -> Instant {
        try evaluateInstant(template, in: evaluationContext(for: frameID))
    }

    func evaluateInstant(_ template: ValueTemplate, in context: EvaluationContext) throws(FlowError) -> Instant {
        let value = try evaluate(template, in: context)
        if let instant = value.instantValue { return instant }
        if let text = value.stringValue, let instant = Instant(iso8601: text) { return instant }
        throw FlowError(.expression, message: "\(template.location): expected an instant, got \(value.typeName)")
    }

    // MARK: Output

    mutating func emit(_ entry: TimelineEntry) {
        actions.append(.emit(entry))
    }

    /// Emits an entry about frame `frameID`: one of a branch or item carries its `frame` field.
    mutating func emit(_ entry: TimelineEntry, in frameID: String) {
        actions.append(.emit(frameID == Interpreter.rootFrame ? entry : entry.inFrame(frameID)))
    }

    mutating func setTimer(at instant: Instant) -> String {
        let id = state.nextID("t")
        state.timers[id] = instant
        actions.append(.setTimer(id: id, at: instant))
        return id
    }

    mutating func cancelTimer(_ id: String) {
        guard state.timers.removeValue(forKey: id) != nil else { return }
        actions.append(.cancelTimer(id: id))
    }

    mutating func setPhase(_ frameID: String, _ phase: Frame.Phase) {
        guard let index = frameIndex(frameID) else { return }
        state.frames.values[index].phase = phase
    }

    mutating func saveVar(_ name: Located<String>?, _ value: Value) {
        guard let name else { return }
        state.vars[name.value] = value
    }

    // MARK: Moving between states

    /// Moves a frame to `next`, or ends it when there is no next state.
    mutating func transfer(_ frameID: String, to next: Located<String>?) {
        guard let next else {
            var output = Value.null
            if let index = frameIndex(frameID) { output = state.frames.values[index].lastOutput }
            end(frameID, output: output)
            return
        }
        if let index = frameIndex(frameID) {
            state.frames.values[index].state = next.value
            state.frames.values[index].phase = .entering
        }
        queue.append(frameID)
    }

    /// Enters queued states until every frame waits or ends.
    mutating func drain() {
        while !queue.isEmpty {
            let frameID = queue.removeFirst()
            // One copy of the frame for the check and the entry.
            guard let index = frameIndex(frameID) else { continue }
            let frame = state.frames.values[index]
            guard case .entering = frame.phase else { continue }
            guard budget > 0 else {
                failInstance(FlowError(.expression, code: "state_budget", message: "more than the allowed states in one transition (a loop?)"))
                return
            }
            budget -= 1
            enter(frameID, frame)
        }
    }

    /// Enters the state of `frame` (frame `frameID` as it is stored, read once by `drain`).
    private mutating func enter(_ frameID: String, _ frame: Frame) {
        let stateName = frame.state
        let path = frame.graphPath
        // The `state_entered` entry is the graph's, built once (no dictionary per entry).
        guard let (definition, entered) = (path.isEmpty ? flow.graph : graph(for: path))?.entry(named: stateName) else {
            emit(.stateEntered(state: stateName), in: frameID)
            raise(frameID, FlowError(.expression, code: "unknown_state", message: "no state named '\(stateName)'"))
            return
        }
        emit(entered, in: frameID)
        do throws(FlowError) {
            switch definition.kind {
            case .step(let step): try callStep(frameID, step, retryOf: nil, entering: frame)
            case .choice(let choice): try choose(frameID, stateName, choice, scope: frame.scope)
            case .set(let set):
                for assignment in set.values {
                    // Rebuilt per assignment: later values see earlier ones.
                    state.vars[assignment.name.value] = try evaluate(
                        assignment.value, in: evaluationContext(scope: frame.scope))
                }
                transfer(frameID, to: set.next)
            case .succeed(let succeed):
                let output = try succeed.output.map { (t) throws(FlowError) in
                    try evaluate(t, in: evaluationContext(scope: frame.scope))
                }
                end(frameID, output: output ?? frame.lastOutput)
            case .fail(let fail):
                let message = try fail.message.map { (t) throws(FlowError) in
                    try evaluate(t, in: evaluationContext(scope: frame.scope))
                }
                let code = fail.error?.value ?? "failed"
                let text = message?.stringValue ?? message?.jsonText ?? "the flow failed in state '\(stateName)'"
                setPhase(frameID, .failed(FlowError(ErrorClass(rawValue: code) ?? .permanent, code: code, message: text)))
                endFailed(frameID)
            case .wait(let wait): try startWait(frameID, wait, entering: frame)
            case .approval(let approval): try requestApproval(frameID, approval)
            case .parallel(let parallel): try startParallel(frameID, parallel)
            case .forEach(let forEach): try startForEach(frameID, forEach)
            }
        } catch {
            raise(frameID, error)
        }
    }

    /// Takes the first branch whose condition holds, else the default, and says why (`decided`).
    private mutating func choose(
        _ frameID: String, _ stateName: String, _ choice: ChoiceState, scope: [String: Value]
    ) throws(FlowError) {
        let context = evaluationContext(scope: scope)
        for (index, branch) in choice.branches.enumerated() where try evaluate(branch.when, in: context).isTruthy {
            emit(decision(state: stateName, choice, taken: index, next: branch.next.value, in: context), in: frameID)
            transfer(frameID, to: branch.next)
            return
        }
        guard let fallback = choice.defaultNext else {
            throw FlowError(.expression, code: "no_choice", message: "no condition held and there is no default")
        }
        emit(decision(state: stateName, choice, taken: nil, next: fallback.value, in: context), in: frameID)
        transfer(frameID, to: fallback)
    }

    /// Summary values and the new status, after a transition.
    mutating func finish() -> Transition {
        state.transitions += 1
        if !state.status.isFinished {
            let calling = state.approvalNotices?.calls.isEmpty == false || state.frames.values.contains {
                if case .awaitingStep = $0.phase { true } else { false }
            }
            state.status = calling ? .running : .waiting
        }
        return Transition(state: state, actions: actions)
    }
}
