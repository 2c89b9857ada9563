/// F121: an approval's reminders and escalation need an expiry to be measured against, and a
/// notice needs approvers to address.
struct ApprovalNoticeRule: ValidationRule {
    func check(_ flow: Flow, in context: ValidationContext) -> [Diagnostic] {
        context.walk(of: flow).states.flatMap { walked -> [Diagnostic] in
            let state = walked.state
            guard case .approval(let approval) = state.kind else { return [] }
            var out: [Diagnostic] = []
            if let remind = approval.remind, approval.expiresIn == nil {
                out.append(.error(.invalidApprovalNotice,
                                  "approval '\(state.name.value)' has 'remind' but no 'expires_in' to measure it against",
                                  at: remind.location))
            }
            if !approval.notify.isEmpty, approval.approvers == nil {
                out.append(.error(.invalidApprovalNotice,
                                  "approval '\(state.name.value)' has 'notify' but no 'approvers' to send it to",
                                  at: approval.notify[0].location))
            }
            if let escalate = approval.remind?.escalate, approval.notify.isEmpty, escalate.notify == nil {
                out.append(.error(.invalidApprovalNotice,
                                  "the escalation of approval '\(state.name.value)' has no 'notify' to send (neither its own nor the approval's)",
                                  at: escalate.at.location))
            }
            return out
        }
    }
}
