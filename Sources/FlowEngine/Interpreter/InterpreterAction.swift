/// What the caller must do after a transition; the interpreter itself performs nothing.
public enum InterpreterAction: Sendable, Hashable {
    /// Call a step; report `stepSucceeded`/`stepFailed` with the same `callID`.
    case callStep(StepInvocation)
    /// Deliver `timerFired(id)` at `at`.
    case setTimer(id: String, at: Instant)
    /// The timer is no longer wanted.
    case cancelTimer(id: String)
    /// Ask humans; report `approvalDecided(id)`; the interpreter's own timer handles expiry.
    case requestApproval(id: String, request: Value, approvers: Value, expiresAt: Instant?)
    /// A pending approval's escalation: `approvers` (all of them now) may decide it.
    case escalateApproval(id: String, approvers: Value)
    /// Append to the instance's timeline.
    case emit(TimelineEntry)
    case complete(output: Value)
    case fail(FlowError)
}

/// One step call to perform.
public struct StepInvocation: Sendable, Hashable {
    public var callID: String
    public var step: String
    /// The evaluated `with` object.
    public var arguments: Value
    public var idempotencyKey: String?
    /// 1-based.
    public var attempt: Int
    /// The attempt fails with `timeout` if not answered by then.
    public var deadline: Instant?
    public var state: String
    public var frameID: String

    /// The frame as timeline entries name it (their `frame` field): nil for the flow's own (root) frame.
    public var frame: String? { frameID == Interpreter.rootFrame ? nil : frameID }
}

/// The result of applying one event.
public struct Transition: Sendable {
    public var state: InstanceState
    public var actions: [InterpreterAction]

    public init(state: InstanceState, actions: [InterpreterAction]) {
        self.state = state
        self.actions = actions
    }
}
