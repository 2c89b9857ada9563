/// F104: a wait for an event has a `timeout` and an `on_timeout` outcome.
struct BoundedWaitRule: ValidationRule {
    func check(_ flow: Flow, in context: ValidationContext) -> [Diagnostic] {
        context.walk(of: flow).states.flatMap { walked -> [Diagnostic] in
            let state = walked.state
            guard case .wait(let wait) = state.kind, case .event(let event) = wait.condition else { return [] }
            var out: [Diagnostic] = []
            if event.timeout == nil {
                out.append(.error(.unboundedWait, "the wait for '\(event.name.value)' needs a 'timeout' (waits are always bounded)",
                                  at: event.location))
            }
            if event.onTimeout == nil {
                out.append(.error(.unboundedWait, "the wait for '\(event.name.value)' needs 'on_timeout': where to go when it expires",
                                  at: event.location))
            }
            return out
        }
    }
}
