/// F106: a side-effecting step that retries, or that a person may resume (`on_exhausted: pause`:
/// the step is called again), has an `idempotency_key`.
struct IdempotentRetryRule: ValidationRule {
    func check(_ flow: Flow, in context: ValidationContext) -> [Diagnostic] {
        context.walk(of: flow).states.compactMap { walked in
            let state = walked.state
            guard case .step(let step) = state.kind, let retry = step.retry, retry.retries || retry.exhausted == .pause,
                  let signature = context.catalogue[step.step.value], signature.mayHaveSideEffects(step), step.idempotencyKey == nil
            else { return nil }
            return .error(.retryWithoutIdempotencyKey,
                          "'\(signature.name)' has side effects and retries: give state '\(state.name.value)' an idempotency_key",
                          at: retry.location)
        }
    }
}
