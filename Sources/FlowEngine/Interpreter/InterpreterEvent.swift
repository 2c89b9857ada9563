/// What happens to an instance; the interpreter's input.
public enum InterpreterEvent: Sendable, Hashable, Codable {
    case started
    case stepSucceeded(callID: String, output: Value)
    case stepFailed(callID: String, error: StepError)
    case timerFired(id: String)
    case eventReceived(name: String, key: String?, payload: Value)
    case approvalDecided(id: String, decision: ApprovalDecision)
    case cancelRequested(reason: String)
    /// A person resumes the instance's paused steps (`on_exhausted: pause`).
    case resumeRequested(ResumeRequest)
}

/// A person's answer to a paused step: try again, or let its error go on.
public struct ResumeRequest: Sendable, Hashable, Codable {
    public enum Action: String, Sendable, Hashable, Codable, CaseIterable {
        /// Another round of attempts under the step's retry policy (`max_attempts` and `budget` count afresh).
        case retry
        /// The error that paused it goes to the step's `catch` clauses, or fails the flow.
        case fail
    }

    public var action: Action
    /// Who resumed it (a key's or a person's name).
    public var by: String?
    public var note: String?

    public init(_ action: Action, by: String? = nil, note: String? = nil) {
        self.action = action
        self.by = by
        self.note = note
    }
}

/// A failed step call as the interpreter sees it.
public struct StepError: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    public var errorClass: ErrorClass
    /// A stable code: the provider's (`twilio.21211`, `openai.insufficient_quota`) or ours
    /// (`transport.timeout`, `step.bad_argument`).
    public var code: String
    /// For people; never contains secrets.
    public var message: String
    /// The provider asked to wait at least this long (429 `Retry-After`).
    public var retryAfter: TimeSpan?
    /// The provider's HTTP status, when there was a response.
    public var providerStatus: Int?

    public init(
        _ errorClass: ErrorClass, code: String? = nil, message: String, retryAfter: TimeSpan? = nil,
        providerStatus: Int? = nil
    ) {
        self.errorClass = errorClass
        self.code = code ?? errorClass.rawValue
        self.message = message
        self.retryAfter = retryAfter
        self.providerStatus = providerStatus
    }

    /// Whether an executor following the taxonomy should try again.
    public var isRetryable: Bool { errorClass == .transient || errorClass == .timeout }

    public var description: String {
        "\(errorClass.rawValue) [\(code)]: \(message)" + (retryAfter.map { " (retry after \($0))" } ?? "")
    }

    var flowError: FlowError { FlowError(errorClass, code: code, message: message) }
}

/// A human decision on an approval.
public struct ApprovalDecision: Sendable, Hashable, Codable {
    public enum Outcome: String, Sendable, Hashable, Codable { case approve, reject }

    public var outcome: Outcome
    public var by: String?
    public var notes: String?
    public var values: Value?
    /// How it was made when not through the API or the CLI: `link` (a signed approval link).
    public var via: String?

    public init(_ outcome: Outcome, by: String? = nil, notes: String? = nil, values: Value? = nil, via: String? = nil) {
        self.outcome = outcome
        self.by = by
        self.notes = notes
        self.values = values
        self.via = via
    }
}
