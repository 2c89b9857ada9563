import FlowEngine
import FlowRuntime
import Hummingbird

extension PlanningRoutes {
    /// `POST /v1/suggest` `{user_id, trigger_type, context, constraints?}` (`Idempotency-Key`
    /// honoured): starts `trip-suggestion`, which honours the user's opt-outs, quiet hours and the
    /// trigger's cool-down. 202 `{job_id, user_id, status, mode: proactive}`; 200 for the job an
    /// earlier request with the same key started; 422 a malformed body.
    func suggest(_ request: Request, identity: APIIdentity) async throws -> Response {
        let (job, created) = try await start(
            request, identity: identity, flow: PlanningJob.suggestionFlow, input: SuggestRequest.input(_:declaredBy:))
        let body: Value = [
            "job_id": .string(job.record.id), "user_id": job.userID.map(Value.string) ?? .null,
            "status": .string(job.status.rawValue), "mode": .string(job.mode), "created_at": .instant(job.record.createdAt),
            "message": created ? "Suggestion started" : "A job with this Idempotency-Key exists",
        ]
        return APIResponse.json(body, status: created ? .accepted : .ok, headers: [.location: "/v1/status/\(job.record.id)"])
    }
}
