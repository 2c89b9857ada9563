import FlowEngine
public import FlowRuntime

/// The original's stream events (`GET /v1/stream/{job_id}`), derived from the job's timeline: a pure
/// mapping of one stored entry to the events it becomes, each carrying the entry's sequence as `id:`
/// (`TimelineStream` sends them and resumes after `Last-Event-ID`).
///
/// | timeline entry | events | data |
/// |---|---|---|
/// | `state_entered` | `state_change` | `{status: "planning", current_state, frame?}` |
/// | `step_called` | `task_start` | `{task_id, agent (the step), task_name (the state), status: "running", attempt}` |
/// | `step_succeeded` | `task_complete`, then `agent_output` for a research answer or a checked itinerary | `{…, status: "completed"}`; `{key, value}` |
/// | `step_failed` | `task_complete` | `{…, status: "failed", error}` |
/// | `approval_requested` | `approval_requested`, then `state_change` | the approval (`PlanningJob`'s `pending_approval` shape); `{status: "waiting_approval", approval_data}` |
/// | `approval_decided` | `approval_decided` | `{approval_id, decision (approve, reject, expired), approved, by, notes, at}` |
/// | `completed` and every other kind | none | the terminal event comes from the ended job (`terminal`) |
///
/// Every stream ends with one terminal event, then closes: `complete {job_id, status: "completed",
/// result}` when the job completed, otherwise `error {job_id, status (failed, cancelled, expired),
/// error: {code, message}, message}`. Its `id:` is the last sequence, so a client reconnecting after
/// it gets the terminal event again (close the `EventSource` on `complete` and `error`).
public enum PlanningEvents {
    /// The events one entry of job `job`'s timeline becomes.
    public static func events(for stored: HistoryEntry, job: String) -> [TimelineStream.Event] {
        let entry = stored.entry
        // The approval's id as `POST /approvals/{id}/decision` and `pending_approval` name it.
        let approvalID = entry.details["approval"]?.stringValue
            .map { Value.string(ApprovalRecord.id(instanceID: job, approvalID: $0)) } ?? .null
        func event(_ name: String, _ data: [String: Value]) -> TimelineStream.Event {
            var data = data
            if let frame = entry.frame { data["frame"] = .string(frame) }
            return TimelineStream.Event(id: stored.sequence, name: name, data: .object(data))
        }
        let task: [String: Value] = [
            "task_id": .string((entry.frame.map { $0 + "/" } ?? "") + (entry.state ?? "")),
            "agent": entry.step.map(Value.string) ?? .null, "task_name": entry.state.map(Value.string) ?? .null,
            "attempt": entry.attempt.map { .number(Double($0)) } ?? .null, "at": .instant(stored.at),
        ]
        switch entry.kind {
        case .stateEntered:
            let state = entry.state.map(Value.string) ?? .null
            return [event("state_change", ["status": "planning", "current_state": state])]
        case .stepCalled:
            return [event("task_start", task.merging(["status": "running"]) { $1 })]
        case .stepSucceeded:
            var events = [event("task_complete", task.merging(["status": "completed"]) { $1 })]
            if let output = PlanningOutputs.output(state: entry.state, answer: entry.details["output"]) {
                events.append(event("agent_output", ["key": .string(output.key), "value": output.value]))
            }
            return events
        case .stepFailed:
            return [event("task_complete", task.merging(["status": "failed", "error": entry.error ?? .null]) { $1 })]
        case .approvalRequested:
            let request = entry.details["request"] ?? .null
            let approval: Value = [
                "approval_id": approvalID, "kind": request["kind"] ?? .null,
                "summary": request["summary"] ?? .null, "amount": request["amount"] ?? .null,
                "currency": request["currency"] ?? .null, "version": request["version"] ?? .null,
                "items": request["items"] ?? .null, "details": request["details"] ?? .null,
                "expires_at": entry.details["expires_at"] ?? .null,
            ]
            return [
                event("approval_requested", approval.objectValue ?? [:]),
                event("state_change", ["status": "waiting_approval", "approval_data": approval]),
            ]
        case .approvalDecided:
            let decision = entry.details["decision"] ?? .null
            let outcome = decision["decision"] ?? decision
            return [event("approval_decided", [
                "approval_id": approvalID, "decision": outcome,
                "approved": .bool(outcome == "approve"), "by": decision["by"] ?? entry.details["by"] ?? .null,
                "notes": decision["notes"] ?? .null, "at": decision["at"] ?? .instant(stored.at),
            ])]
        default:
            return []
        }
    }

    /// The event that ends the stream of an ended job, with `id:` `sequence` (the last one read).
    public static func terminal(_ job: PlanningJob, sequence: Int64) -> TimelineStream.Event {
        let status = job.status
        let id = Value.string(job.record.id)
        if status == .completed {
            let result = job.state?.output ?? .null
            return TimelineStream.Event(
                id: sequence, name: "complete", data: ["job_id": id, "status": "completed", "result": result])
        }
        let error = job.error
        return TimelineStream.Event(id: sequence, name: "error", data: [
            "job_id": id, "status": .string(status.rawValue), "error": error,
            "message": error["message"] ?? .string(status.rawValue),
        ])
    }
}
