public import FlowEngine

/// One step call to perform: from a transition's `callStep` action, or rebuilt from a stored
/// state whose frame still awaits it (the daemon stopped between persisting and performing).
public struct PendingCall: Sendable, Hashable {
    public var callID: String
    public var step: String
    public var arguments: Value
    public var idempotencyKey: String?
    public var attempt: Int
    public var deadline: Instant?

    public init(
        callID: String, step: String, arguments: Value, idempotencyKey: String?, attempt: Int, deadline: Instant? = nil
    ) {
        self.callID = callID
        self.step = step
        self.arguments = arguments
        self.idempotencyKey = idempotencyKey
        self.attempt = attempt
        self.deadline = deadline
    }

    public init(_ invocation: StepInvocation) {
        self.init(
            callID: invocation.callID, step: invocation.step, arguments: invocation.arguments,
            idempotencyKey: invocation.idempotencyKey, attempt: invocation.attempt, deadline: invocation.deadline)
    }

    /// Calls the stored state's frames still await, in frame order.
    public static func outstanding(in state: InstanceState, flow: Flow) -> [PendingCall] {
        state.frames.keys.sorted().compactMap { id -> PendingCall? in
            guard let frame = state.frames[id], case .awaitingStep(let attempt) = frame.phase,
                  let graph = flow.graph(at: frame.graphPath),
                  case .step(let step)? = graph.state(named: frame.state)?.kind
            else { return nil }
            return PendingCall(
                callID: attempt.callID, step: step.step.value, arguments: attempt.arguments,
                idempotencyKey: attempt.idempotencyKey, attempt: attempt.attempt)
        }
    }
}
