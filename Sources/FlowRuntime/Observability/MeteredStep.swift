public import Steps
import FlowEngine

/// A step wrapped to report its latency and failures to `RuntimeMetrics`; behaves exactly like
/// the step it wraps (same signature, same outcome).
struct MeteredStep<Inner: Step>: Step {
    static var signature: StepSignature { Inner.signature }

    let inner: Inner
    let metrics: RuntimeMetrics

    func run(_ call: StepCall, context: StepContext) async -> StepOutcome {
        let started = ContinuousClock.now
        return measured(await inner.run(call, context: context), since: started)
    }

    func perform(_ call: StepCall, context: StepContext) async throws -> StepOutcome {
        let started = ContinuousClock.now
        return measured(try await inner.perform(call, context: context), since: started)
    }

    func lookUp(_ call: StepCall, context: StepContext, since: Instant) async -> EffectLookup {
        await inner.lookUp(call, context: context, since: since)
    }

    func notes(for outcome: StepOutcome, call: StepCall, context: StepContext) -> [TimelineEntry] {
        inner.notes(for: outcome, call: call, context: context)
    }

    private func measured(_ outcome: StepOutcome, since started: ContinuousClock.Instant) -> StepOutcome {
        let name = Inner.signature.name
        metrics.stepLatency(step: name, succeeded: outcome.failure == nil, duration: ContinuousClock.now - started)
        if let failure = outcome.failure { metrics.providerError(step: name, failure: failure) }
        return outcome
    }
}

extension StepRegistry {
    /// The same steps, each reporting latency and failures to `metrics`.
    public func metered(_ metrics: RuntimeMetrics) -> StepRegistry {
        StepRegistry(steps.values.map { Self.meter($0, metrics) })
    }

    private static func meter<S: Step>(_ step: S, _ metrics: RuntimeMetrics) -> any Step {
        MeteredStep(inner: step, metrics: metrics)
    }
}
