public import FlowEngine

/// How a replayed step call ends.
public enum ReplayAnswer: Sendable {
    case succeeded(Value)
    case failed(StepError)
}

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
        answer: (StepInvocation, Instant) -> ReplayAnswer?, visit: (InstanceState) -> Void = { _ in }
    ) -> Outcome {
        let first = interpreter.start(instanceID: instanceID, input: input, settings: settings, agency: nil,
                                      at: start)
        // State and actions are kept apart so that each `apply` gets the only copy of the state
        // (`consume`), as a runtime that decoded it from storage would.
        var state = first.state
        var actions = first.actions
        visit(state)
        var outcome = Outcome(final: state, transitions: 1, calls: 0)
        var now = start
        while !state.status.isFinished {
            let call = actions.lazy.compactMap { action -> StepInvocation? in
                if case .callStep(let invocation) = action { return invocation }
                return nil
            }.first
            let event: InterpreterEvent
            if let call {
                guard let answered = answer(call, now) else { break }
                outcome.calls += 1
                switch answered {
                case .succeeded(let output): event = .stepSucceeded(callID: call.callID, output: output)
                case .failed(let error): event = .stepFailed(callID: call.callID, error: error)
                }
            } else if let timer = state.timers.min(by: { $0.value < $1.value }) {
                now = max(now, timer.value)
                event = .timerFired(id: timer.key)
            } else {
                break
            }
            actions = []
            let next = interpreter.apply(event, to: consume state, at: now)
            state = next.state
            actions = next.actions
            outcome.transitions += 1
            visit(state)
        }
        outcome.final = state
        return outcome
    }
}
