/// F105: an approval expires (`expires_in`) and its expiry never leads where approval does.
struct ApprovalTimeoutRule: ValidationRule {
    func check(_ flow: Flow, in context: ValidationContext) -> [Diagnostic] {
        context.walk(of: flow).states.flatMap { walked -> [Diagnostic] in
            let state = walked.state
            guard case .approval(let approval) = state.kind else { return [] }
            var out: [Diagnostic] = []
            if approval.expiresIn == nil {
                out.append(.error(.approvalWithoutTimeout, "approval '\(state.name.value)' needs 'expires_in'",
                                  at: state.name.location))
            }
            if approval.timeoutTarget == nil {
                out.append(.error(.approvalWithoutTimeout,
                                  "approval '\(state.name.value)' needs 'on_timeout' or 'on_reject' for when it expires",
                                  at: state.name.location))
            }
            if let timeout = approval.onTimeout, let approve = approval.onApprove, timeout.value == approve.value {
                out.append(.error(.approvalWithoutTimeout,
                                  "an expired approval must not approve: 'on_timeout' goes to '\(timeout.value)' like 'on_approve'",
                                  at: timeout.location))
            }
            return out
        }
    }
}
