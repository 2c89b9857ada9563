public import FlowEngine

/// One instance driven through the pure `Interpreter` alone: every step call answered by
/// `answer`, timers fired earliest first, until it finishes or a call has no answer. Shared by the
/// dry-run's interpreter figure, `flow-bench state-coding` and `flow-bench-engine replay`.
public struct InstanceReplay {
    /// The final state, the transitions applied (the start included) and the step calls answered.
    public struct Outcome {
        public var final: InstanceState
        public var transitions: Int
        public var calls: Int
    }

    public let interpreter: Interpreter

    public init(flow: Flow) { self.interpreter = Interpreter(flow: flow) }

    /// Starts the instance at `start` and applies events until it ends; `visit` sees every state,
    /// the first included.
    public func run(
        instanceID: String, input: Value, settings: Value, start: Instant,
        answer: (StepInvocation, Instant) -> Value?, visit: (InstanceState) -> Void = { _ in }
    ) -> Outcome {
        var transition = interpreter.start(instanceID: instanceID, input: input, settings: settings, agency: nil,
                                           at: start)
        visit(transition.state)
        var outcome = Outcome(final: transition.state, transitions: 1, calls: 0)
        var now = start
        while !transition.state.status.isFinished {
            let call = transition.actions.lazy.compactMap { action -> StepInvocation? in
                if case .callStep(let invocation) = action { return invocation }
                return nil
            }.first
            if let call {
                guard let output = answer(call, now) else { break }
                outcome.calls += 1
                transition = interpreter.apply(.stepSucceeded(callID: call.callID, output: output),
                                               to: transition.state, at: now)
            } else if let timer = transition.state.timers.min(by: { $0.value < $1.value }) {
                now = max(now, timer.value)
                transition = interpreter.apply(.timerFired(id: timer.key), to: transition.state, at: now)
            } else {
                break
            }
            outcome.transitions += 1
            visit(transition.state)
        }
        outcome.final = transition.state
        return outcome
    }
}
