/// The pure interpreter: `(definition, instance state, event, now) → (new state, actions)`.
///
/// It performs nothing itself: the caller (the executor) calls steps, arms timers, asks for
/// approvals and appends the timeline notes it returns, then feeds the outcomes back as events.
public struct Interpreter: Sendable {
    public let flow: Flow
    /// Most states one event may pass through before the instance fails (guards `choice` loops).
    public var stateBudget: Int

    public init(flow: Flow, stateBudget: Int = 10_000) {
        self.flow = flow
        self.stateBudget = stateBudget
    }

    /// Creates the instance state and enters the start state.
    public func start(
        instanceID: String, input: Value, settings: Value, agency: String?, at now: Instant
    ) -> Transition {
        let instance: Value = .object([
            "id": .string(instanceID), "flow": .string(flow.name.value),
            "agency": agency.map(Value.string) ?? .null, "started_at": .instant(now),
        ])
        var state = InstanceState(
            instanceID: instanceID,
            bindings: ["input": DeclaredTypes.input(input, fields: flow.input),
                       "settings": DeclaredTypes.settings(settings, declared: flow.settings), "vars": .object([:]), "instance": instance])
        state.frames[Self.rootFrame] = Frame(
            id: Self.rootFrame, parent: nil, label: "", graphPath: [], state: flow.graph.start.value,
            phase: .entering, scope: [:], lastOutput: .null)
        var context = TransitionContext(flow: flow, now: now, state: state, budget: stateBudget)
        context.queue.append(Self.rootFrame)
        context.drain()
        return context.finish()
    }

    /// Applies one event to a stored state. The state is taken over: a caller that hands over its
    /// last copy (`consume state`) lets the transition edit its tables in place instead of copying them.
    public func apply(_ event: InterpreterEvent, to state: consuming InstanceState, at now: Instant) -> Transition {
        var context = TransitionContext(flow: flow, now: now, state: state, budget: stateBudget)
        guard !context.state.status.isFinished else {
            context.emit(.ignored(reason: "instance already \(context.state.status.rawValue)"))
            return context.finish()
        }
        switch event {
        case .started:
            context.emit(.ignored(reason: "already started"))
        case .stepSucceeded(let callID, let output):
            context.stepSucceeded(callID: callID, output: output)
        case .stepFailed(let callID, let error):
            context.stepFailed(callID: callID, error: error)
        case .timerFired(let id):
            context.timerFired(id: id)
        case .eventReceived(let name, let key, let payload):
            context.eventReceived(name: name, key: key, payload: payload)
        case .approvalDecided(let id, let decision):
            context.approvalDecided(id: id, decision: decision)
        case .cancelRequested(let reason):
            context.cancel(reason: reason)
        case .resumeRequested(let request):
            context.resume(request)
        }
        context.drain()
        return context.finish()
    }

    static let rootFrame = "root"
}
