public import FlowRuntime

/// A planning job's status as the original's API names it (`GET /v1/status`, `GET /v1/jobs`), derived
/// from the `trip-planning` instance that is the job by `JobStatus.of(_:)`.
public enum JobStatus: String, Sendable, Hashable, CaseIterable {
    /// Created; no step call has answered yet.
    case started
    /// Running or waiting for anything but an approval (a step's answer, a retry, the user's answer).
    case planning
    /// A person must approve (a `budget_override` or the `booking`).
    case waitingApproval = "waiting_approval"
    case completed, failed, cancelled, expired

    /// Whether the job can change no more.
    public var isFinal: Bool {
        switch self {
        case .completed, .failed, .cancelled, .expired: true
        case .started, .planning, .waitingApproval: false
        }
    }

    /// What the mapping reads about an instance: its row, its stored state and approval rows, and
    /// its timeline (`PlanningJob` gathers them).
    public struct Facts: Sendable, Hashable {
        public var instance: InstanceStatus
        /// The failure's code when it failed (`plan_cancelled`, `booking_expired`, `research_failed`, …).
        public var failureCode: String?
        /// Whether a frame of the instance's stored state awaits an approval.
        public var awaitingApproval: Bool
        /// Step calls that have answered (succeeded or failed).
        public var stepsAnswered: Int
        /// The outcome of the last approval decided (`approve`, `reject`, `expired`), if any.
        public var lastDecision: String?

        public init(
            instance: InstanceStatus, failureCode: String? = nil, awaitingApproval: Bool = false,
            stepsAnswered: Int = 0, lastDecision: String? = nil
        ) {
            self.instance = instance
            self.failureCode = failureCode
            self.awaitingApproval = awaitingApproval
            self.stepsAnswered = stepsAnswered
            self.lastDecision = lastDecision
        }
    }

    /// The job's status, first rule that applies:
    ///
    /// | instance | and | job |
    /// |---|---|---|
    /// | `succeeded` | | `completed` |
    /// | `cancelled` | (`POST /v1/jobs/{id}/cancel`, `/instances/{id}/cancel`) | `cancelled` |
    /// | `failed` | code `plan_cancelled` (the booking was rejected) | `cancelled` |
    /// | `failed` | code `booking_expired`, or the last approval decision was `expired` | `expired` |
    /// | `failed` | any other code | `failed` |
    /// | `running`/`waiting` | a frame awaits an approval | `waiting_approval` |
    /// | `running`/`waiting` | no step call answered yet | `started` |
    /// | `running`/`waiting` | otherwise | `planning` |
    public static func of(_ facts: Facts) -> JobStatus {
        switch facts.instance {
        case .succeeded: return .completed
        case .cancelled: return .cancelled
        case .failed:
            if facts.failureCode == "plan_cancelled" { return .cancelled }
            if facts.failureCode == "booking_expired" || facts.lastDecision == "expired" { return .expired }
            return .failed
        case .running, .waiting:
            if facts.awaitingApproval { return .waitingApproval }
            return facts.stepsAnswered == 0 ? .started : .planning
        }
    }
}
