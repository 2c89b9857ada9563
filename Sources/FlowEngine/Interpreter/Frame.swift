/// One thread of control: the root flow, a parallel branch, or a for_each item.
public struct Frame: Sendable, Hashable, Codable {
    /// Which graph a frame runs: the flow's, or one nested inside a composite state.
    public struct GraphSegment: Sendable, Hashable, Codable {
        /// The composite state that holds the graph.
        public var state: String
        /// The parallel branch, or nil for a for_each body.
        public var branch: String?
    }

    /// What the frame is doing in its current state.
    public enum Phase: Sendable, Hashable, Codable {
        /// About to enter `state` (transient within a transition).
        case entering
        /// A step call is outstanding.
        case awaitingStep(StepAttempt)
        /// A failed attempt waits for its backoff timer.
        case retrying(StepAttempt, timer: String)
        /// The retries ran out on `error` (`on_exhausted: pause`): only a person's resume or cancel moves it.
        case paused(StepAttempt, error: FlowError, since: Instant)
        /// A `wait` for a duration or an instant.
        case sleeping(timer: String, due: Instant, deferredFrom: Instant?)
        /// A `wait` for an event, bounded by `timer`.
        case awaitingEvent(name: String, correlation: String?, timer: String)
        /// An approval is pending; `timer` is its expiry.
        case awaitingApproval(id: String, timer: String?)
        /// A parallel or for_each state waits for its children.
        case joining(Join)
        /// The frame ended; its parent collects it.
        case finished(output: Value)
        case failed(FlowError)
    }

    /// One step call across its attempts (the idempotency key is shared by every attempt).
    public struct StepAttempt: Sendable, Hashable, Codable {
        public var callID: String
        /// Counts every attempt of the call, across resumes (a step sees 1 only on its first).
        public var attempt: Int
        /// When the current round of attempts began: the first attempt, or the last resume (`budget` counts from it).
        public var firstAttemptAt: Instant
        public var idempotencyKey: String?
        public var arguments: Value
        /// Attempts made before the last resume of a paused call; `max_attempts` counts those after it.
        public var resumedAfter: Int?

        /// Attempts in the current round: since the first attempt, or since the last resume.
        public var roundAttempt: Int { attempt - (resumedAfter ?? 0) }
    }

    /// Children of a composite state and what they produced.
    public struct Join: Sendable, Hashable, Codable {
        /// Running children, by id.
        public var running: [String]
        /// Branch name or item index (as text) → output, for finished children.
        public var results: [String: Value]
        /// for_each: items not yet started, with their index.
        public var pendingItems: [Int]
        public var items: [Value]
        public var failures: [String: FlowError]
    }

    public var id: String
    public var parent: String?
    /// This frame's label in its parent's join: branch name or item index.
    public var label: String
    public var graphPath: [GraphSegment]
    /// Current state name.
    public var state: String
    public var phase: Phase
    /// Frame-local names (the for_each item and `index`), inherited by children.
    public var scope: [String: Value]
    /// Output of the last step, returned when the graph ends without a `succeed` output.
    public var lastOutput: Value
}
