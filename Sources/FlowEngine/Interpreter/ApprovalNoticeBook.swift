/// What the interpreter keeps about the `notify`/`remind` of an instance's pending approvals: the
/// approvals' request and approvers (escalation adds some), what each reminder timer is for, and
/// the notice calls not answered yet (re-issued after a crash like a step state's call).
public struct ApprovalNoticeBook: Sendable, Hashable, Codable {
    /// A pending approval with notices.
    public struct Pending: Sendable, Hashable, Codable {
        public var frame: String
        public var request: Value
        /// The approvers now: the declared ones, then those escalation added.
        public var approvers: [String]
        public var expiresAt: Instant
    }

    /// A reminder or escalation timer.
    public struct Reminder: Sendable, Hashable, Codable {
        public var approval: String
        /// `reminder` or `escalation`.
        public var purpose: String
        /// 1-based among the reminders (0 for the escalation).
        public var number: Int
    }

    /// A notice call in flight, or waiting to be tried again.
    public struct Call: Sendable, Hashable, Codable {
        public var approval: String
        public var frame: String
        public var state: String
        public var arguments: Value
        public var idempotencyKey: String
        /// 1-based; every attempt shares the idempotency key.
        public var attempt: Int
    }

    /// By approval id.
    public var pending: [String: Pending] = [:]
    /// By timer id.
    public var reminders: [String: Reminder] = [:]
    /// By call id.
    public var calls: [String: Call] = [:]
    /// Failed calls to try again, by the id of their back-off timer (the call holds its next attempt).
    public var retries: [String: Call] = [:]

    public init() {}

    var isEmpty: Bool { pending.isEmpty && reminders.isEmpty && calls.isEmpty && retries.isEmpty }

    /// The step every notice call runs (the runtime's; it adds the approver's signed link).
    public static let step = "approval.notify"

    /// Attempts of one notice at most, for `transient` and `timeout` failures, while the approval is pending.
    public static let maxAttempts = 3

    /// The back-off between attempts (30 s, then 60 s; a provider's `Retry-After` when longer).
    public static let backoff = RetryBackoff(initial: .seconds(30), factor: 2, maxDelay: .minutes(5), jitter: .none)
}

extension InstanceState {
    /// The calls of approval notices still unanswered, by call id order: what a runtime re-issues after
    /// a crash, as for `StepInvocation.outstanding`.
    public var outstandingNoticeCalls: [StepInvocation] {
        guard let book = approvalNotices else { return [] }
        return book.calls.keys.sorted().compactMap { id in
            guard let call = book.calls[id] else { return nil }
            return StepInvocation(
                callID: id, step: ApprovalNoticeBook.step, arguments: call.arguments, idempotencyKey: call.idempotencyKey,
                attempt: call.attempt, deadline: nil, state: call.state, frameID: call.frame)
        }
    }
}
