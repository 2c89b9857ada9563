public import Steps
import FlowEngine

/// A step wrapped to report its latency and failures to `RuntimeMetrics`, and the tokens and cost
/// of the `model_usage` entries its notes add, each attempt in a `step <name>` span
/// (`TraceSpans`); behaves exactly like the step it wraps (same
/// signature, same outcome, same notes).
///
/// The executor asks for an attempt's notes once, right after the attempt, so each model call is
/// counted once: re-reading or re-rendering a timeline counts nothing. A call the provider answered
/// but whose transition was never committed (a crash in between) is re-issued and paid again; both
/// calls are counted here, only the committed one is in the timeline (`docs/runtime.md`).
struct MeteredStep<Inner: Step>: Step {
    static var signature: StepSignature { Inner.signature }

    let inner: Inner
    let metrics: RuntimeMetrics

    func run(_ call: StepCall, context: StepContext) async -> StepOutcome {
        await TraceSpans.stepAttempt(Inner.signature.name, call: call, context: context) {
            let started = ContinuousClock.now
            return measured(await inner.run(call, context: context), since: started)
        }
    }

    func perform(_ call: StepCall, context: StepContext) async throws -> StepOutcome {
        try await TraceSpans.stepAttempt(Inner.signature.name, call: call, context: context) {
            let started = ContinuousClock.now
            return measured(try await inner.perform(call, context: context), since: started)
        }
    }

    func lookUp(_ call: StepCall, context: StepContext, since: Instant) async -> EffectLookup {
        await inner.lookUp(call, context: context, since: since)
    }

    func notes(for outcome: StepOutcome, call: StepCall, context: StepContext) -> [TimelineEntry] {
        let notes = inner.notes(for: outcome, call: call, context: context)
        for note in notes where note.kind == .modelUsage {
            let d = note.details
            metrics.modelUsage(
                flow: context.flow ?? "", model: d["model"]?.stringValue ?? "unknown",
                promptTokens: d["prompt_tokens"]?.intValue ?? 0,
                completionTokens: d["completion_tokens"]?.intValue ?? 0, costUSD: d["cost"]?.numberValue)
        }
        return notes
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
