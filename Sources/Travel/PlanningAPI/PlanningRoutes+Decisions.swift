import FlowEngine
import FlowRuntime
import Hummingbird

extension PlanningRoutes {
    /// The longest `notes` `POST /v1/approve` takes (the original's limit).
    static var maximumNotes: Int { 500 }

    /// `POST /v1/approve` `{job_id, approved, notes?, values?}`: decides the job's pending approval
    /// through `ApprovalDecisions` as the key's name. 200 `{job_id, approved, status, message}`;
    /// 404 an unknown job or another agency's; 409 a job not awaiting approval (or decided meanwhile);
    /// 403 when the approval names approvers and the key is not one; 422 a malformed body or `values`.
    func approve(_ request: Request, identity: APIIdentity) async throws -> Response {
        let body = try await APIResponse.body(of: request)
        guard case .object(let fields) = body else {
            throw APIError.unprocessable("the body must be a JSON object {job_id, approved, notes?, values?}")
        }
        guard let jobID = fields["job_id"]?.stringValue, !jobID.isEmpty else {
            throw APIError.unprocessable("job_id: required text")
        }
        guard let approved = fields["approved"]?.boolValue else {
            throw APIError.unprocessable("approved: required, true or false")
        }
        let notes = fields["notes"].flatMap { $0.isNull ? nil : $0 }
        if let notes, (notes.stringValue?.unicodeScalars.count ?? .max) > Self.maximumNotes {
            throw APIError.unprocessable("notes: must be text of at most \(Self.maximumNotes) characters")
        }
        let record = try await visible(jobID, to: identity)
        let pending = try await store.approvals(
            matching: ApprovalFilter(agencyID: nil, status: .pending, instanceID: record.id, limit: 10))
        guard let row = pending.last else { throw APIError.conflict("Job \(jobID) is not awaiting approval") }
        let result = try await decisions.decide(
            id: row.id, outcome: approved ? .approve : .reject, by: identity.keyName, identity: identity.keyName,
            notes: notes?.stringValue, values: fields["values"], agency: identity.admin ? nil : identity.agencyID,
            at: services.clock())
        switch result {
        case .decided(let decided):
            return APIResponse.json([
                "job_id": .string(jobID), "approval_id": .string(decided.id),
                "kind": decided.kind.map(Value.string) ?? .null,
                "approved": .bool(approved), "decided_by": decided.decidedBy.map(Value.string) ?? .null,
                "message": approved ? "Approval granted, workflow resuming" : "Approval denied",
            ])
        case .notFound: throw APIError.notFound("no such job")
        case .conflict: throw APIError.conflict("Job \(jobID) is not awaiting approval: \(result)")
        case .invalidValues: throw APIError.unprocessable(result.description)
        case .notAnApprover: throw APIError.forbidden(result.description)
        }
    }

    /// `POST /v1/jobs/{job_id}/cancel` `{reason?}` through `InstanceCancellation` (who = the key's
    /// name): 202 `{job_id, cancel_requested, reason}` once the cancel is in the job's inbox (its
    /// worker ends it `cancelled`); 409 when the job already ended; 404 unknown or another agency's.
    func cancel(_ request: Request, job id: String, identity: APIIdentity) async throws -> Response {
        let given = try await APIResponse.cancelReason(of: request)
        let record = try await visible(id, to: identity)
        let outcome = try await InstanceCancellation.request(
            record, by: identity.keyName, reason: given, in: store, wakeup: services.wakeup,
            at: services.clock())
        guard case .requested(let reason, _) = outcome else {
            let job = try await PlanningJob.read(record, from: store)
            throw APIError.conflict("Job \(id) already ended \(job.status.rawValue)")
        }
        return APIResponse.json(
            ["job_id": .string(id), "cancel_requested": true, "reason": .string(reason)], status: .accepted)
    }
}

extension PlanningRoutes {
    /// The longest answer `POST /v1/jobs/{job_id}/answer` takes.
    static var maximumAnswer: Int { 2_000 }

    /// `POST /v1/jobs/{job_id}/answer` `{text}`: the user's answer to the question the job asked
    /// (`current_output.question`), delivered as the event `plan.answer` keyed `<user_id>/<job_id>`
    /// (what `trip-planning` waits for); `Idempotency-Key` makes a repeat a no-op. 202 `{job_id,
    /// delivered}`; 404 unknown or another agency's; 409 a job that is not waiting for an answer;
    /// 422 a missing or over-long `text`.
    func answer(_ request: Request, job id: String, identity: APIIdentity) async throws -> Response {
        let body = try await APIResponse.body(of: request)
        guard let text = body["text"]?.stringValue, !text.allSatisfy(\.isWhitespace),
              text.unicodeScalars.count <= Self.maximumAnswer
        else {
            throw APIError.unprocessable("text: required, 1 to \(Self.maximumAnswer) characters (not only spaces)")
        }
        let record = try await visible(id, to: identity)
        let state = try? InstanceStateCoding.decode(record.state)
        let key = "\(state?.bindings["input"]?["user_id"]?.stringValue ?? "")/\(id)"
        guard !record.status.isFinished, state?.awaits(event: Self.answerEvent, key: key) == true else {
            // The job's whole status (its timeline and approvals) only for the refusal's message.
            let status = try await PlanningJob.read(record, from: store).status
            throw APIError.conflict("Job \(id) is not waiting for an answer (\(status.rawValue))")
        }
        try await EventDelivery(store: store, registry: services.registry, wakeup: services.wakeup).deliver(
            Self.answerEvent, key: key, payload: ["text": .string(text)], to: id,
            dedupKey: try IdempotencyKeyHeader.value(of: request), at: services.clock())
        return APIResponse.json(["job_id": .string(id), "delivered": true], status: .accepted)
    }

    /// The event `trip-planning`'s questions wait for.
    static var answerEvent: String { "plan.answer" }
}
