public import FlowEngine

/// A provider step behind its circuit (`CircuitBreakers`): while the circuit is open the step fails
/// at once with `transient` code `circuit.open` and `retryAfter` the time left until the probe,
/// without calling the provider, so the flow's retries back off instead of hammering it. Otherwise
/// it behaves exactly like the step it wraps (same signature, outcome, notes, lookups).
///
/// What counts against the provider: a `transient` or `timeout` failure the provider answered (an
/// HTTP status: 5xx, 429) or that the transport raised (`transport.*`). Successes and errors the
/// provider meant (4xx) close the streak; failures that never reached it (a local rate limit, a
/// missing credential) count for nothing.
struct GuardedStep<Inner: Step>: Step {
    static var signature: StepSignature { Inner.signature }

    let inner: Inner
    let provider: String
    let breakers: CircuitBreakers

    func run(_ call: StepCall, context: StepContext) async -> StepOutcome {
        let circuit = Self.circuit(provider: provider, context: context)
        let probe: Bool
        switch admission(circuit) {
        case .failure(let refusal): return .failure(refusal)
        case .success(let isProbe): probe = isProbe
        }
        let outcome = await inner.run(call, context: context)
        breakers.record(circuit, Self.health(of: outcome), probe: probe)
        return outcome
    }

    func perform(_ call: StepCall, context: StepContext) async throws -> StepOutcome {
        let circuit = Self.circuit(provider: provider, context: context)
        let probe: Bool
        switch admission(circuit) {
        case .failure(let refusal): return .failure(refusal)
        case .success(let isProbe): probe = isProbe
        }
        do {
            let outcome = try await inner.perform(call, context: context)
            breakers.record(circuit, Self.health(of: outcome), probe: probe)
            return outcome
        } catch {
            // The runtime's own store failed before the call: nothing learned about the provider.
            breakers.record(circuit, .neutral, probe: probe)
            throw error
        }
    }

    func lookUp(_ call: StepCall, context: StepContext, since: Instant) async -> EffectLookup {
        await inner.lookUp(call, context: context, since: since)
    }

    func notes(for outcome: StepOutcome, call: StepCall, context: StepContext) -> [TimelineEntry] {
        inner.notes(for: outcome, call: call, context: context)
    }

    /// Whether `circuit` lets a call through, and whether it is the half-open probe; the refusal when open.
    private func admission(_ circuit: String) -> Result<Bool, StepFailure> {
        switch breakers.admit(circuit) {
        case .refused(let retryAfter): .failure(Self.refusal(circuit, retryAfter: retryAfter))
        case .allowed: .success(false)
        case .probe: .success(true)
        }
    }

    /// `provider`, or for Twilio `twilio:<agency>` when the agency sends through an account of its own.
    static func circuit(provider: String, context: StepContext) -> String {
        if provider == "twilio", let agency = context.agency,
            context.credentials.agencyTwilio.account(forAgency: agency) != nil {
            return "twilio:\(agency)"
        }
        return provider
    }

    static func refusal(_ circuit: String, retryAfter: TimeSpan) -> StepFailure {
        StepFailure(
            .transient, code: "circuit.open",
            message: "\(circuit): circuit open after repeated transient failures; not called, next try in \(retryAfter)",
            retryAfter: retryAfter)
    }

    /// What an outcome says about the provider's health.
    static func health(of outcome: StepOutcome) -> CircuitBreaker.Outcome {
        guard let failure = outcome.failure else { return .answered }
        let reachedProvider = failure.providerStatus != nil || failure.code.hasPrefix("transport.")
        switch failure.errorClass {
        case .transient, .timeout: return reachedProvider ? .failed : .neutral
        default: return failure.providerStatus != nil ? .answered : .neutral
        }
    }
}

extension StepRegistry {
    /// The same steps, those of a guarded provider behind its circuit: `providers` maps a step
    /// name's prefix (`twilio`, `notify`) to the provider whose circuit it uses; other steps
    /// (built-ins, `http.request`, whose hosts are the flows' own) are unchanged.
    public func guarded(by breakers: CircuitBreakers, providers: [String: String]) -> StepRegistry {
        StepRegistry(steps.values.map { step -> any Step in
            let name = type(of: step).signature.name
            let prefix = name.split(separator: ".", maxSplits: 1).first.map(String.init) ?? name
            guard let provider = providers[prefix] else { return step }
            return Self.wrap(step, provider: provider, breakers: breakers)
        })
    }

    /// The providers guarded by default: a step prefix to its provider.
    public static let guardedProviders = ["twilio": "twilio", "aeroapi": "aeroapi", "openai": "openai"]

    private static func wrap<S: Step>(_ step: S, provider: String, breakers: CircuitBreakers) -> any Step {
        GuardedStep(inner: step, provider: provider, breakers: breakers)
    }
}
