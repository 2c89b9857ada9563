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

    /// A notice call in flight.
    public struct Call: Sendable, Hashable, Codable {
        public var approval: String
        public var frame: String
        public var state: String
        public var arguments: Value
        public var idempotencyKey: String
    }

    /// By approval id.
    public var pending: [String: Pending] = [:]
    /// By timer id.
    public var reminders: [String: Reminder] = [:]
    /// By call id.
    public var calls: [String: Call] = [:]

    public init() {}

    var isEmpty: Bool { pending.isEmpty && reminders.isEmpty && calls.isEmpty }

    /// The step every notice call runs (the runtime's; it adds the approver's signed link).
    public static let step = "approval.notify"
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
                attempt: 1, deadline: nil, state: call.state, frameID: call.frame)
        }
    }
}
