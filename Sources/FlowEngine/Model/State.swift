/// One named state of a flow graph.
public struct State: Sendable {
    public var name: Located<String>
    public var kind: StateKind
    public var description: String?
    /// Where the state's mapping starts.
    public var location: SourceLocation

    public init(name: Located<String>, kind: StateKind, description: String? = nil, location: SourceLocation) {
        self.name = name
        self.kind = kind
        self.description = description
        self.location = location
    }
}

/// The kinds of state; DESIGN.md §2.
public indirect enum StateKind: Sendable {
    case step(StepState)
    case choice(ChoiceState)
    case wait(WaitState)
    case approval(ApprovalState)
    case parallel(ParallelState)
    case forEach(ForEachState)
    case set(SetState)
    case succeed(SucceedState)
    case fail(FailState)

    /// The keyword that introduces the kind in YAML.
    public var keyword: String {
        switch self {
        case .step: "step"
        case .choice: "choice"
        case .wait: "wait"
        case .approval: "approval"
        case .parallel: "parallel"
        case .forEach: "for_each"
        case .set: "set"
        case .succeed: "succeed"
        case .fail: "fail"
        }
    }

    /// Whether the flow (or branch) ends here.
    public var isTerminal: Bool {
        switch self {
        case .succeed, .fail: true
        default: false
        }
    }
}

/// Calls a step from the catalogue.
public struct StepState: Sendable {
    public struct Argument: Sendable {
        public var name: Located<String>
        public var value: ValueTemplate

        public init(name: Located<String>, value: ValueTemplate) {
            self.name = name
            self.value = value
        }
    }

    public var step: Located<String>
    public var arguments: [Argument]
    /// Stores the step's result as `vars.<save>`.
    public var save: Located<String>?
    public var idempotencyKey: ValueTemplate?
    public var retry: RetryPolicy?
    public var catches: [CatchClause]
    /// Error classes deliberately left to fail the flow (rule F107).
    public var propagates: [Located<ErrorClass>]
    /// Deadline for one attempt.
    public var timeout: ValueTemplate?
    public var next: Located<String>?

    public init(
        step: Located<String>, arguments: [Argument], save: Located<String>?, idempotencyKey: ValueTemplate?,
        retry: RetryPolicy?, catches: [CatchClause], propagates: [Located<ErrorClass>], timeout: ValueTemplate?,
        next: Located<String>?
    ) {
        self.step = step
        self.arguments = arguments
        self.save = save
        self.idempotencyKey = idempotencyKey
        self.retry = retry
        self.catches = catches
        self.propagates = propagates
        self.timeout = timeout
        self.next = next
    }

    public func argument(named name: String) -> Argument? { arguments.first { $0.name.value == name } }
}

/// Exponential backoff: attempt n waits `initial * factor^(n-1)`, capped at `max_delay`, with jitter.
public struct RetryPolicy: Sendable {
    public enum Jitter: String, Sendable, Hashable, Codable, CaseIterable {
        case none
        /// Uniform in [0, delay].
        case full
        /// Uniform in [delay/2, delay].
        case equal
    }

    /// Attempts in all, the first included.
    public var maxAttempts: ValueTemplate
    public var initial: ValueTemplate?
    public var factor: ValueTemplate?
    public var maxDelay: ValueTemplate?
    public var jitter: Located<Jitter>?
    /// No retry starts later than this after the first attempt.
    public var budget: ValueTemplate?
    /// Error classes that are retried; default `[transient, timeout]`.
    public var on: [Located<ErrorClass>]
    /// What happens when a retried class's attempts or budget run out; nil is ``Exhausted/fail``.
    public var onExhausted: Located<Exhausted>?
    public var location: SourceLocation

    /// `on_exhausted`: what a step does when its retries run out on a class it retries.
    public enum Exhausted: String, Sendable, Hashable, Codable, CaseIterable {
        /// The error goes on to the step's `catch` clauses, or fails the flow (the default).
        case fail
        /// The frame pauses until a person resumes it (another round of attempts, or the error goes
        /// on as with `fail`) or cancels the instance.
        case pause
    }

    public init(
        maxAttempts: ValueTemplate, initial: ValueTemplate?, factor: ValueTemplate?, maxDelay: ValueTemplate?,
        jitter: Located<Jitter>?, budget: ValueTemplate?, on: [Located<ErrorClass>],
        onExhausted: Located<Exhausted>? = nil, location: SourceLocation
    ) {
        self.maxAttempts = maxAttempts
        self.initial = initial
        self.factor = factor
        self.maxDelay = maxDelay
        self.jitter = jitter
        self.budget = budget
        self.on = on
        self.onExhausted = onExhausted
        self.location = location
    }

    /// `on_exhausted` as written, or its default.
    public var exhausted: Exhausted { onExhausted?.value ?? .fail }

    /// The classes retried when `on` is not given.
    public static let defaultClasses: [ErrorClass] = [.transient, .timeout]

    public var retriedClasses: [ErrorClass] { on.isEmpty ? Self.defaultClasses : on.map(\.value) }
}

/// Routes a failed step (after its retries) to another state.
public struct CatchClause: Sendable {
    /// Classes caught; empty means every class.
    public var errors: [Located<ErrorClass>]
    public var next: Located<String>
    /// Stores `{class, code, message}` as `vars.<save>`.
    public var save: Located<String>?
    public var location: SourceLocation

    public init(errors: [Located<ErrorClass>], next: Located<String>, save: Located<String>?, location: SourceLocation) {
        self.errors = errors
        self.next = next
        self.save = save
        self.location = location
    }

    public func catches(_ error: ErrorClass) -> Bool { errors.isEmpty || errors.contains { $0.value == error } }
}

/// Ordered conditions; the first true one wins, else `default`.
public struct ChoiceState: Sendable {
    public struct Branch: Sendable {
        public var when: ValueTemplate
        public var next: Located<String>
        public var location: SourceLocation

        public init(when: ValueTemplate, next: Located<String>, location: SourceLocation) {
            self.when = when
            self.next = next
            self.location = location
        }
    }

    public var branches: [Branch]
    public var defaultNext: Located<String>?

    public init(branches: [Branch], defaultNext: Located<String>?) {
        self.branches = branches
        self.defaultNext = defaultNext
    }
}

/// Assigns computed values to `vars`.
public struct SetState: Sendable {
    public var values: [StepState.Argument]
    public var next: Located<String>?

    public init(values: [StepState.Argument], next: Located<String>?) {
        self.values = values
        self.next = next
    }
}

/// Ends the flow (or branch) successfully, optionally with an output.
public struct SucceedState: Sendable {
    public var output: ValueTemplate?

    public init(output: ValueTemplate?) { self.output = output }
}

/// Ends the flow (or branch) with an error.
public struct FailState: Sendable {
    public var error: Located<String>?
    public var message: ValueTemplate?

    public init(error: Located<String>?, message: ValueTemplate?) {
        self.error = error
        self.message = message
    }
}
