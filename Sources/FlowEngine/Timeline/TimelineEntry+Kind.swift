extension TimelineEntry {
    /// What a timeline entry records. ``rawValue`` is the name stored in `instance_events.kind` and
    /// shown by the dry-run (`state_entered`, `step_called`, …).
    ///
    /// ``other(_:)`` exists only for reading: a stored name this build does not know (written by
    /// an older or a newer build) decodes to it, keeping its name. Nothing writes it; every kind
    /// Flow writes is a named case. Equality and hashing go by name, so `.other("alert")` equals
    /// `.alert`; `init(rawValue:)` always gives the named case.
    public enum Kind: Sendable, Hashable, CaseIterable, RawRepresentable, CustomStringConvertible {
        // Written by the interpreter.
        /// A frame entered a state.
        case stateEntered
        /// A `choice` state took a branch (or its default): the conditions, the values they read, why.
        case decided
        /// A step state asked for a step call (the runtime performs it).
        case stepCalled
        /// A step call answered; its output.
        case stepSucceeded
        /// A step call failed; its error.
        case stepFailed
        /// A failed step will be called again after a back-off.
        case retryScheduled
        /// A step's retries ran out and it declares `on_exhausted: pause`: it waits for a person.
        case stepPaused
        /// A person resumed a paused step: another round of attempts, or its error goes on.
        case resumed
        /// A timer was set: a `wait`, an event wait's timeout or an approval's expiry.
        case timerSet
        /// A `wait` with a quiet-hours window was moved out of the window.
        case deferred
        /// A state's `catch` clause handled an error.
        case caught
        /// An approval state asked people to decide.
        case approvalRequested
        /// An approval was decided (approved, rejected or expired).
        case approvalDecided
        /// An approval's `notify` was sent to its approvers (one notice call per approver and channel).
        case approvalNotified
        /// A reminder of a pending approval was sent (`remind.at`).
        case approvalReminded
        /// A pending approval was escalated: more approvers may decide, and were notified (`remind.escalate`).
        case approvalEscalated
        /// An external event reached the instance.
        case eventReceived
        /// An event wait matched an event received earlier (its `lookback`).
        case eventMatched
        /// An event wait's timeout passed with no event.
        case waitTimedOut
        /// A parallel branch or for_each item was cancelled.
        case branchCancelled
        /// The instance ended: succeeded, failed or cancelled.
        case completed
        /// An event that had nothing to act on (a late step result, a stale timer).
        case ignored
        // Written by the runtime around step calls.
        /// `notify.send` sent a message.
        case messageSent
        /// `notify.send` found the message already sent (same trip, type and key).
        case duplicate
        /// `notify.send` did not send: a cap was reached.
        case suppressed
        /// Something people must look at (`alert.raise`, a suppressed message, an in-doubt effect).
        case alert
        /// A side effect begun before a crash and never completed was resolved by its step's policy.
        case effectInDoubt
        /// A model call (`openai.chat`) answered: its model, tokens and cost.
        case modelUsage
        // Written by a product outside any transition.
        /// A user's rating of the job (the planning API's `POST /v1/feedback`).
        case feedback
        /// A stored kind this build does not know; for reading old (or newer) rows only.
        case other(String)

        /// Every kind Flow writes, in the order `docs/timeline.md` lists them (not ``other(_:)``).
        public static let allCases: [Kind] = [
            .stateEntered, .decided, .stepCalled, .stepSucceeded, .stepFailed, .retryScheduled, .stepPaused, .resumed, .timerSet, .deferred, .caught,
            .approvalRequested, .approvalDecided, .approvalNotified, .approvalReminded, .approvalEscalated,
            .eventReceived, .eventMatched, .waitTimedOut, .branchCancelled,
            .completed, .ignored, .messageSent, .duplicate, .suppressed, .alert, .effectInDoubt, .modelUsage,
            .feedback,
        ]

        private static let byName: [String: Kind] = Dictionary(
            uniqueKeysWithValues: allCases.map { ($0.rawValue, $0) })

        /// The named case for a stored name, or ``other(_:)`` when there is none.
        public init(rawValue: String) {
            self = Self.byName[rawValue] ?? .other(rawValue)
        }

        /// The stored name.
        public var rawValue: String {
            switch self {
            case .stateEntered: "state_entered"
            case .decided: "decided"
            case .stepCalled: "step_called"
            case .stepSucceeded: "step_succeeded"
            case .stepFailed: "step_failed"
            case .retryScheduled: "retry_scheduled"
            case .stepPaused: "step_paused"
            case .resumed: "resumed"
            case .timerSet: "timer_set"
            case .deferred: "deferred"
            case .caught: "caught"
            case .approvalRequested: "approval_requested"
            case .approvalDecided: "approval_decided"
            case .approvalNotified: "approval_notified"
            case .approvalReminded: "approval_reminded"
            case .approvalEscalated: "approval_escalated"
            case .eventReceived: "event_received"
            case .eventMatched: "event_matched"
            case .waitTimedOut: "wait_timed_out"
            case .branchCancelled: "branch_cancelled"
            case .completed: "completed"
            case .ignored: "ignored"
            case .messageSent: "message_sent"
            case .duplicate: "duplicate"
            case .suppressed: "suppressed"
            case .alert: "alert"
            case .effectInDoubt: "effect_in_doubt"
            case .modelUsage: "model_usage"
            case .feedback: "feedback"
            case .other(let name): name
            }
        }

        public var description: String { rawValue }

        public static func == (lhs: Kind, rhs: Kind) -> Bool { lhs.rawValue == rhs.rawValue }

        public func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }
    }
}
