public import FlowEngine
public import Logging

/// Something a flow can call: a provider request, a built-in or a product's step (the travel
/// product's `notify.send`). Every step registers one value conforming to this protocol in the
/// runtime's `StepRegistry`, and every call reaches it with one `StepContext`. Implementations take
/// their signature from `StepCatalogue.standard` (one definition) and make exactly one attempt per
/// call; retrying is the executor's job, guided by `StepFailure.errorClass` and `retryAfter`.
public protocol Step: Sendable {
    /// Name, parameters, result, error classes and in-doubt policy, for the validator.
    static var signature: StepSignature { get }
    /// Performs one attempt. Never throws: every failure is classified into the closed taxonomy.
    func run(_ call: StepCall, context: StepContext) async -> StepOutcome
    /// One attempt inside a runtime. Throws only when the runtime's own store cannot be reached
    /// before anything happened: the runtime then abandons the transition (no attempt is spent,
    /// nothing was sent) and re-issues the call later. Default: `run`.
    func perform(_ call: StepCall, context: StepContext) async throws -> StepOutcome
    /// For the `lookup` in-doubt policy: whether an earlier attempt of `call`, begun at `since`,
    /// happened at the provider. Default: `.unsupported` (the ledger then alerts).
    func lookUp(_ call: StepCall, context: StepContext, since: Instant) async -> EffectLookup
    /// What an attempt's outcome adds to the instance's timeline besides the step's own entries
    /// (a message sent, an alert). Default: nothing.
    func notes(for outcome: StepOutcome, call: StepCall, context: StepContext) -> [TimelineEntry]
}

extension Step {
    public func perform(_ call: StepCall, context: StepContext) async throws -> StepOutcome {
        await run(call, context: context)
    }

    public func lookUp(_ call: StepCall, context: StepContext, since: Instant) async -> EffectLookup { .unsupported }

    public func notes(for outcome: StepOutcome, call: StepCall, context: StepContext) -> [TimelineEntry] { [] }
}

/// What a provider says about an effect whose outcome is unknown (`Step.lookUp`).
public enum EffectLookup: Sendable, Hashable {
    /// It happened; its result as the step would have returned it, and the provider's id.
    case happened(Value, providerID: String?)
    /// It did not happen: safe to do it now.
    case notHappened
    /// Could not tell (provider unreachable): keep it in doubt.
    case unknown(StepFailure)
    /// The step cannot ask.
    case unsupported
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

/// What a step may use while it runs: the network, the time, a logger, the credentials, and which
/// instance and call it runs for. The stores a step needs are given to it when it is registered.
public struct StepContext: Sendable {
    public var transport: any HTTPTransport
    /// The instance's notion of now: virtual in dry-runs and tests, the wall clock in production.
    public var now: Instant
    public var logger: Logger
    public var credentials: ProviderCredentials
    public var endpoints: ProviderEndpoints
    /// How long one HTTP call may take (real time); nil for the step's own default.
    public var timeout: TimeSpan?
    /// The instance the call belongs to; nil outside a runtime (a bare call in a test).
    public var instanceID: String?
    /// The interpreter's id of this call, stable when the runtime re-issues it; nil outside a runtime.
    public var callID: String?
    /// The instance's agency, when it has one.
    public var agency: String?
    /// The flow the instance runs; nil outside a runtime.
    public var flow: String?
    /// The step state that made the call; nil outside a runtime.
    public var state: String?
    /// The `parallel` branch or `for_each` item of the call (a timeline entry's `frame`); nil for
    /// the flow's own frame and outside a runtime.
    public var frame: String?
    /// True when the effect ledger already knew this effect (a retry after a refusal, or an
    /// in-doubt effect re-run by the `resend` policy): an earlier attempt may have left traces.
    public var rerun: Bool = false

    public init(
        transport: any HTTPTransport, now: Instant, logger: Logger = Logger(label: "flow.steps"),
        credentials: ProviderCredentials, endpoints: ProviderEndpoints = .production, timeout: TimeSpan? = nil,
        instanceID: String? = nil, callID: String? = nil, agency: String? = nil
    ) {
        self.transport = transport
        self.now = now
        self.logger = logger
        self.credentials = credentials
        self.endpoints = endpoints
        self.timeout = timeout
        self.instanceID = instanceID
        self.callID = callID
        self.agency = agency
    }
}

/// How a step attempt ended.
public enum StepOutcome: Sendable, Hashable {
    case success(Value)
    case failure(StepFailure)

    public var value: Value? { if case .success(let v) = self { v } else { nil } }
    public var failure: StepFailure? { if case .failure(let f) = self { f } else { nil } }
}

/// A classified step failure: the interpreter's `StepError` (one type for both), with the
/// constructors steps use. `message` is for people and never contains secrets.
public typealias StepFailure = StepError

extension StepError {
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
        case .responseTooLarge:
            StepFailure(.permanent, code: "transport.response_too_large", message: "\(provider): \(error.message)")
        }
    }

    /// A required credential is not configured.
    public static func missingCredential(_ name: String) -> StepFailure {
        StepFailure(.permanent, code: "credentials.missing", message: "\(name) is not configured")
    }
}
