public import FlowEngine
public import Logging

/// Something a flow can call: a provider request or a built-in. Implementations take their
/// signature from `StepCatalogue.standard` (one definition) and make exactly one attempt per
/// `run`; retrying is the executor's job, guided by `StepFailure.errorClass` and `retryAfter`.
public protocol Step: Sendable {
    /// Name, parameters, result, error classes and in-doubt policy, for the validator.
    static var signature: StepSignature { get }
    /// Performs one attempt. Never throws: every failure is classified into the closed taxonomy.
    func run(_ call: StepCall, context: StepContext) async -> StepOutcome
}

/// One call of a step, as the interpreter prepared it.
public struct StepCall: Sendable {
    /// Evaluated arguments, by parameter name.
    public var arguments: [String: Value]
    /// Stable across attempts of the same effect (the effect ledger's key); nil for pure calls.
    public var idempotencyKey: String?
    /// 1 for the first try.
    public var attempt: Int

    public init(arguments: [String: Value], idempotencyKey: String? = nil, attempt: Int = 1) {
        self.arguments = arguments
        self.idempotencyKey = idempotencyKey
        self.attempt = attempt
    }
}

/// What a step may use while it runs: the network, the time, a logger and the credentials.
public struct StepContext: Sendable {
    public var transport: any HTTPTransport
    /// The instance's notion of now: virtual in dry-runs and tests, the wall clock in production.
    public var now: Instant
    public var logger: Logger
    public var credentials: ProviderCredentials
    public var endpoints: ProviderEndpoints
    /// How long one HTTP call may take (real time); nil for the step's own default.
    public var timeout: TimeSpan?

    public init(
        transport: any HTTPTransport, now: Instant, logger: Logger = Logger(label: "flow.steps"),
        credentials: ProviderCredentials, endpoints: ProviderEndpoints = .production, timeout: TimeSpan? = nil
    ) {
        self.transport = transport
        self.now = now
        self.logger = logger
        self.credentials = credentials
        self.endpoints = endpoints
        self.timeout = timeout
    }
}

/// How a step attempt ended.
public enum StepOutcome: Sendable, Hashable {
    case success(Value)
    case failure(StepFailure)

    public var value: Value? { if case .success(let v) = self { v } else { nil } }
    public var failure: StepFailure? { if case .failure(let f) = self { f } else { nil } }
}

/// A classified step failure. `message` is for people and never contains secrets.
public struct StepFailure: Error, Sendable, Hashable, CustomStringConvertible {
    public var errorClass: ErrorClass
    /// A stable code: the provider's (`twilio.21211`, `openai.insufficient_quota`) or ours
    /// (`transport.timeout`, `step.bad_argument`).
    public var code: String
    public var message: String
    /// The least time to wait before another attempt, when the provider or a limiter said so.
    public var retryAfter: TimeSpan?
    /// The provider's HTTP status, when there was a response.
    public var providerStatus: Int?

    public init(
        _ errorClass: ErrorClass, code: String, message: String, retryAfter: TimeSpan? = nil, providerStatus: Int? = nil
    ) {
        self.errorClass = errorClass
        self.code = code
        self.message = message
        self.retryAfter = retryAfter
        self.providerStatus = providerStatus
    }

    /// Whether an executor following the taxonomy should try again.
    public var isRetryable: Bool { errorClass == .transient || errorClass == .timeout }

    public var description: String {
        "\(errorClass.rawValue) [\(code)]: \(message)" + (retryAfter.map { " (retry after \($0))" } ?? "")
    }

    /// An argument missing or of the wrong shape: the flow is wrong, not the provider.
    public static func badArgument(_ name: String, _ problem: String) -> StepFailure {
        StepFailure(.permanent, code: "step.bad_argument", message: "argument '\(name)' \(problem)")
    }

    /// The transport got no response.
    public static func transport(_ error: TransportError, provider: String) -> StepFailure {
        switch error.code {
        case .timeout:
            StepFailure(.timeout, code: "transport.timeout", message: "\(provider): \(error.message)")
        case .connection:
            StepFailure(.transient, code: "transport.connection", message: "\(provider): \(error.message)")
        case .invalidRequest:
            StepFailure(.permanent, code: "transport.invalid_request", message: "\(provider): \(error.message)")
        }
    }

    /// A required credential is not configured.
    public static func missingCredential(_ name: String) -> StepFailure {
        StepFailure(.permanent, code: "credentials.missing", message: "\(name) is not configured")
    }
}
