public import FlowEngine

/// Exponential backoff with a cap and downward jitter, honouring a provider's `retryAfter`.
public struct Backoff: Sendable, Hashable {
    public var initial: TimeSpan
    public var factor: Double
    public var cap: TimeSpan
    /// Fraction removed at most (0.25 = up to −25 %, as the OpenAI SDK does).
    public var jitter: Double
    /// Attempts in all, the first included.
    public var maxAttempts: Int

    public init(initial: TimeSpan = .seconds(5), factor: Double = 2, cap: TimeSpan = .minutes(5), jitter: Double = 0.25, maxAttempts: Int = 3) {
        self.initial = initial
        self.factor = factor
        self.cap = cap
        self.jitter = jitter
        self.maxAttempts = maxAttempts
    }

    /// The wait after attempt `attempt` (1-based) failed with `failure`; nil when it must not be
    /// retried (not transient/timeout, or attempts used up). `random` in [0, 1) drives jitter.
    public func delay(after attempt: Int, failure: StepFailure, random: Double) -> TimeSpan? {
        guard failure.isRetryable, attempt < maxAttempts else { return nil }
        if let server = failure.retryAfter { return server }
        let base = Double(initial.milliseconds) * pow(factor, Double(attempt - 1))
        let capped = min(base, Double(cap.milliseconds))
        return TimeSpan(milliseconds: Int64((capped * (1 - jitter * random)).rounded()))
    }
}

/// Runs a step with retries for callers without a durable executor (flowctl dry-runs, tests).
/// The executor does the same durably, with timers instead of `sleep`.
public enum StepAttempts {
    /// One result and the waits taken before it.
    public struct Report: Sendable {
        public var outcome: StepOutcome
        public var attempts: Int
        public var waits: [TimeSpan]
    }

    public static func run(
        _ step: any Step, _ call: StepCall, context: StepContext, backoff: Backoff,
        random: @Sendable () -> Double = { Double.random(in: 0..<1) },
        now: (@Sendable () -> Instant)? = nil,
        sleep: @Sendable (TimeSpan) async -> Void
    ) async -> Report {
        var call = call
        var context = context
        var waits: [TimeSpan] = []
        while true {
            if let now { context.now = now() }
            let outcome = await step.run(call, context: context)
            guard case .failure(let failure) = outcome,
                let wait = backoff.delay(after: call.attempt, failure: failure, random: random())
            else { return Report(outcome: outcome, attempts: call.attempt, waits: waits) }
            waits.append(wait)
            await sleep(wait)
            call.attempt += 1
        }
    }
}

private func pow(_ base: Double, _ exponent: Double) -> Double {
    var result = 1.0
    for _ in 0..<Int(exponent) { result *= base }
    return result
}
