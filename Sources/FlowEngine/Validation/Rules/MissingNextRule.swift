/// F112: every non-terminal state says where to go.
struct MissingNextRule: ValidationRule {
    func check(_ flow: Flow, in context: ValidationContext) -> [Diagnostic] {
        context.walk(of: flow).states.compactMap { walked in
            let state = walked.state
            let missing: String?
            switch state.kind {
            case .step(let s): missing = s.next == nil ? "'next'" : nil
            case .wait(let w): missing = w.next == nil ? "'next'" : nil
            case .set(let s): missing = s.next == nil ? "'next'" : nil
            case .parallel(let p): missing = p.next == nil ? "'next'" : nil
            case .forEach(let f): missing = f.next == nil ? "'next'" : nil
            case .choice(let c): missing = c.defaultNext == nil ? "'default'" : nil
            case .approval(let a):
                missing = a.onApprove == nil ? "'on_approve'" : (a.onReject == nil ? "'on_reject'" : nil)
            case .succeed, .fail: missing = nil
            }
            return missing.map {
                .error(.missingNext, "state '\(state.name.value)' has no \($0); end with succeed or fail, or name the next state",
                       at: state.name.location)
            }
        }
    }
}
