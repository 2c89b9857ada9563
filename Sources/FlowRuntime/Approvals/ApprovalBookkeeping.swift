import FlowEngine

/// Keeps the `approvals` table in step with an instance's transitions (durable runs only; a
/// dry-run records nothing): an approval the interpreter requests is recorded **before** the
/// transition that enters it is committed, idempotently by its id, so there is never a waiting
/// instance without its row (a transition re-issued after a lost lease asks for the same id, which
/// replaces the pending row). After the commit, an approval the interpreter's timer ended becomes
/// `expired`, and when the instance ends (succeeded, failed, cancelled) its pending ones become `cancelled`.
enum ApprovalBookkeeping {
    /// Records the approvals requested in `actions` (applied to give `state`).
    static func recordRequests(
        in actions: [InterpreterAction], state: InstanceState, flow: String, store: some ApprovalStore, at now: Instant
    ) async throws {
        for case .requestApproval(let id, let request, let approvers, let expiresAt) in actions {
            let frame = state.frames.values.first {
                if case .awaitingApproval(id, _) = $0.phase { true } else { false }
            }
            let agency = state.bindings["instance"]?.objectValue?["agency"]?.stringValue
            try await store.recordApproval(ApprovalRecord(
                id: ApprovalRecord.id(instanceID: state.instanceID, approvalID: id), approvalID: id,
                instanceID: state.instanceID, agencyID: agency, flow: flow, state: frame?.state ?? "",
                kind: request["kind"]?.stringValue, request: request, approvers: approvers, expiresAt: expiresAt,
                requestedAt: now))
        }
        // An escalation widens who may decide a pending row (a decided one is kept as it is).
        for case .escalateApproval(let id, let approvers) in actions {
            let recordID = ApprovalRecord.id(instanceID: state.instanceID, approvalID: id)
            guard var row = try await store.approval(id: recordID), row.status == .pending else { continue }
            row.approvers = approvers
            try await store.recordApproval(row)
        }
    }

    /// Closes what the committed transition ended without a person: approvals whose
    /// `approval_decided` entry says `expired`, and every pending one of an instance that ended.
    static func closeEnded(
        history: [HistoryEntry], state: InstanceState, flow: Flow, store: some ApprovalStore, at now: Instant
    ) async throws {
        for item in history where item.kind == .approvalDecided {
            guard item.details["decision"]?["decision"]?.stringValue == "expired",
                  let id = item.details["approval"]?.stringValue
            else { continue }
            try await store.closeApprovals(instanceID: state.instanceID, approvalID: id, as: .expired, at: now)
        }
        if state.status.isFinished, declaresApproval(flow.graph) {
            try await store.closeApprovals(instanceID: state.instanceID, approvalID: nil, as: .cancelled, at: now)
        }
    }

    /// Whether `graph` (or a branch or body inside it) has an approval state: only then can an ending
    /// instance leave a pending approval, so other flows pay no extra statement when they end.
    static func declaresApproval(_ graph: StateGraph) -> Bool {
        graph.states.contains { state in
            switch state.kind {
            case .approval: true
            case .parallel(let parallel): parallel.branches.contains { declaresApproval($0.graph) }
            case .forEach(let forEach): declaresApproval(forEach.body)
            default: false
            }
        }
    }
}
