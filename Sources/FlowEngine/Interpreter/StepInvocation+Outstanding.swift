extension StepInvocation {
    /// The calls a stored state's frames still await, in frame order: what a runtime re-issues
    /// after a crash (or a lost lease) between persisting a transition and performing its calls.
    /// In the normal path the calls come from the transition's `callStep` actions instead. The
    /// deadline is not kept in the state, so a re-issued call has none.
    /// The calls of approval notices (`InstanceState.outstandingNoticeCalls`) come after the frames'.
    public static func outstanding(in state: InstanceState, flow: Flow) -> [StepInvocation] {
        frameCalls(in: state, flow: flow) + state.outstandingNoticeCalls
    }

    private static func frameCalls(in state: InstanceState, flow: Flow) -> [StepInvocation] {
        state.frames.keys.sorted().compactMap { id -> StepInvocation? in
            guard let frame = state.frames[id], case .awaitingStep(let attempt) = frame.phase,
                  let graph = flow.graph(at: frame.graphPath),
                  case .step(let step)? = graph.state(named: frame.state)?.kind
            else { return nil }
            return StepInvocation(
                callID: attempt.callID, step: step.step.value, arguments: attempt.arguments,
                idempotencyKey: attempt.idempotencyKey, attempt: attempt.attempt, deadline: nil, state: frame.state,
                frameID: id)
        }
    }
}
