public import FlowEngine

/// How the fake providers fail on purpose (the chaos run's providers): each request to a
/// provider in `providers` draws one fault with probability `rate`, the kind weighted by `mix`,
/// from a seeded generator, so a run can be repeated.
///
/// The faults are the ways real providers fail: `rate_limited` (429 with `Retry-After`),
/// `server_error` (500 or 503), `answer_lost` (the request is processed — a message is
/// accepted — and then the connection is reset or the answer stalls past the client's timeout),
/// `connection_reset` (reset before anything was processed) and `slow` (processed and answered
/// after a delay). The error answers use each provider's own error body (contracts README).
public struct FaultPlan: Sendable, Hashable {
    /// Share of requests that get a fault, 0…1.
    public var rate: Double
    /// Relative weight of each kind (kinds absent or 0 are never drawn).
    public var mix: [FaultKind: Int]
    /// Seed of the generator: the same seed and the same request order draw the same faults.
    public var seed: UInt64
    /// The providers whose requests draw faults.
    public var providers: Set<FakeProvider>
    /// `Retry-After` of a `rate_limited` answer.
    public var retryAfterSeconds: Int
    /// How long an `answer_lost` answer stalls before the reset: longer than the client's timeout.
    public var stall: TimeSpan
    /// The delay of a `slow` answer, drawn uniformly in this range (milliseconds).
    public var slowMilliseconds: ClosedRange<Int64>

    /// The mix of the chaos run: every kind, errors the most common (as in providers' status histories).
    public static let defaultMix: [FaultKind: Int] = [
        .rateLimited: 3, .serverError: 3, .answerLost: 1, .connectionReset: 1, .slow: 2,
    ]

    public init(
        rate: Double = 0.3, mix: [FaultKind: Int] = FaultPlan.defaultMix, seed: UInt64 = 1,
        providers: Set<FakeProvider> = [.twilio, .aeroapi, .openai], retryAfterSeconds: Int = 1,
        stall: TimeSpan = .seconds(4), slowMilliseconds: ClosedRange<Int64> = 300...1_500
    ) {
        self.rate = rate
        self.mix = mix
        self.seed = seed
        self.providers = providers
        self.retryAfterSeconds = retryAfterSeconds
        self.stall = stall
        self.slowMilliseconds = slowMilliseconds
    }

    /// No faults.
    public static let none = FaultPlan(rate: 0)
}

/// One kind of injected fault.
public enum FaultKind: String, Sendable, Hashable, CaseIterable, Comparable {
    /// 429 with `Retry-After` (and the provider's rate-limit body and headers).
    case rateLimited = "rate_limited"
    /// 500 or 503 with the provider's error body.
    case serverError = "server_error"
    /// Processed (a send happened), then the connection is reset or stalls past the client's timeout.
    case answerLost = "answer_lost"
    /// The connection is reset before the request is processed.
    case connectionReset = "connection_reset"
    /// Processed and answered normally, late.
    case slow

    public static func < (lhs: FaultKind, rhs: FaultKind) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// SplitMix64: small, fast and seedable, for fault draws (and a chaos run's other draws) that must be repeatable.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
