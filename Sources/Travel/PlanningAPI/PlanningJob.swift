public import FlowEngine
public import FlowRuntime

/// One job as the `/v1` API shows it: the `trip-planning` (or `trip-suggestion`) instance that is the job, read
/// with its stored state, its timeline and its approval rows, and the facts `JobStatus.of(_:)` maps.
public struct PlanningJob: Sendable {
    /// The flow a plan request starts (`mode: reactive`).
    public static let flow = "trip-planning"
    /// The flow `POST /v1/suggest` and the proactive watches start (`mode: proactive`).
    public static let suggestionFlow = "trip-suggestion"
    /// The flows whose instances are jobs.
    public static let flows = [flow, suggestionFlow]

    /// `reactive` for a plan, `proactive` for a suggestion.
    public var mode: String { record.flow == Self.suggestionFlow ? "proactive" : "reactive" }

    public var record: InstanceRecord
    /// The interpreter's state (nil only if the stored text cannot be read).
    public var state: InstanceState?
    public var history: [HistoryEntry]
    public var approvals: [ApprovalRecord]

    public init(record: InstanceRecord, state: InstanceState?, history: [HistoryEntry], approvals: [ApprovalRecord]) {
        self.record = record
        self.state = state
        self.history = history
        self.approvals = approvals
    }

    /// Reads job `record` from `store`.
    public static func read<Store: FlowStore>(_ record: InstanceRecord, from store: Store) async throws -> PlanningJob {
        let history = try await store.history(instanceID: record.id, after: 0)
        let approvals = try await store.approvals(
            matching: ApprovalFilter(agencyID: nil, status: nil, instanceID: record.id, limit: 1_000))
        return PlanningJob(
            record: record, state: try? InstanceStateCoding.decode(record.state), history: history,
            approvals: approvals)
    }

    /// The user the job is for (`input.user_id`).
    public var userID: String? { state?.bindings["input"]?["user_id"]?.stringValue }

    public var vars: [String: Value] { state?.bindings["vars"]?.objectValue ?? [:] }

    /// The approvals the stored state awaits (row ids, `<instance>:a1`). The status follows the state,
    /// not the approval rows: the rows are read after the record, and a row written since (a newer
    /// transition) must not make an older state look like it waits.
    public var awaitedApprovals: [String] {
        guard let frames = state?.frames else { return [] }
        return frames.values.compactMap { frame in
            guard case .awaitingApproval(let id, _) = frame.phase else { return nil }
            return ApprovalRecord.id(instanceID: record.id, approvalID: id)
        }
    }

    /// The approval people must decide now: the pending row of an approval the state awaits.
    public var pendingApproval: ApprovalRecord? {
        let awaited = awaitedApprovals
        return approvals.last { $0.status == .pending && awaited.contains($0.id) }
    }

    public var facts: JobStatus.Facts {
        let awaiting = !awaitedApprovals.isEmpty
        let answered = history.count(where: { $0.kind == .stepSucceeded || $0.kind == .stepFailed })
        let decided = history.last { $0.kind == .approvalDecided }?.details["decision"]
        let outcome = decided?["decision"]?.stringValue ?? decided?.stringValue
        return JobStatus.Facts(
            instance: record.status, failureCode: state?.failure?.code,
            awaitingApproval: awaiting, stepsAnswered: answered, lastDecision: outcome)
    }

    public var status: JobStatus { JobStatus.of(facts) }

    /// The state the job is in: the root frame's (a `parallel` state while its branches run), else
    /// the last state entered.
    public var currentState: String? {
        state?.frames["root"]?.state ?? history.last { $0.kind == .stateEntered }?.entry.state
    }

    /// `{current_state, tasks_total, tasks_completed}`: a task is a step call (`step_called` with
    /// attempt 1: retries are the same task), completed when it succeeded.
    public var progress: Value {
        let total = history.count(where: { $0.kind == .stepCalled && ($0.entry.attempt ?? 1) == 1 })
        let completed = history.count(where: { $0.kind == .stepSucceeded })
        return [
            "current_state": currentState.map(Value.string) ?? .null,
            "tasks_total": .number(Double(total)), "tasks_completed": .number(Double(completed)),
        ]
    }

    /// The job's model calls (its timeline's `model_usage` entries): tokens and cost, overall and by model.
    public var usage: ModelUsageTotals { ModelUsageTotals(history) }

    /// The error of a job that did not complete: `{code, message}` (the flow's failure, or the
    /// cancel's reason).
    public var error: Value {
        switch record.status {
        case .failed:
            guard let failure = state?.failure else { return ["code": "failed", "message": "the plan failed"] }
            return ["code": .string(failure.code), "message": .string(failure.message)]
        case .cancelled:
            let reason = history.last { $0.kind == .completed }?.entry.reason ?? "cancelled"
            return ["code": "cancelled", "message": .string(reason)]
        case .running, .waiting, .succeeded:
            return .null
        }
    }

    /// The approval as the job shows it: which decision `POST /v1/approve` gives, and what it is about.
    static func approvalJSON(_ row: ApprovalRecord) -> Value {
        [
            "approval_id": .string(row.id), "kind": row.kind.map(Value.string) ?? .null,
            "summary": row.request["summary"] ?? .null, "amount": row.request["amount"] ?? .null,
            "currency": row.request["currency"] ?? .null, "version": row.request["version"] ?? .null,
            "items": row.request["items"] ?? .null, "details": row.request["details"] ?? .null,
            "requested_at": .instant(row.requestedAt), "expires_at": row.expiresAt.map(Value.instant) ?? .null,
        ]
    }

    /// `GET /v1/status/{job_id}`: the original's `JobStatusResponse` fields (`final_result` is `result`),
    /// and the job's model `usage`.
    public var json: Value {
        let status = self.status
        return [
            "job_id": .string(record.id), "user_id": userID.map(Value.string) ?? .null,
            "status": .string(status.rawValue), "mode": .string(mode),
            "created_at": .instant(record.createdAt), "updated_at": .instant(record.updatedAt),
            "completed_at": status.isFinal ? .instant(record.updatedAt) : .null,
            "progress": progress, "current_output": .object(PlanningOutputs.current(vars: vars)),
            "pending_approval": pendingApproval.map(Self.approvalJSON) ?? .null,
            "result": record.status == .succeeded ? state?.output ?? .null : .null,
            "error": error, "usage": usage.json,
        ]
    }

    /// A job in `GET /v1/jobs/{user_id}`: no outputs.
    public var summary: Value {
        [
            "job_id": .string(record.id), "user_id": userID.map(Value.string) ?? .null,
            "status": .string(status.rawValue), "mode": .string(mode),
            "query": state?.bindings["input"]?["query"] ?? .null,
            "created_at": .instant(record.createdAt), "updated_at": .instant(record.updatedAt),
        ]
    }
}
