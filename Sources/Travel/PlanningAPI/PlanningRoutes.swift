import FlowEngine
public import FlowRuntime
import HTTPTypes
public import Hummingbird

/// The planning product's HTTP API, compatible with the original's paths (`domain/planning.md`,
/// `docs/planning.md`): a translation layer over the control plane. A job IS an instance of
/// `trip-planning`; every route needs an API key, a user is a `user_id` inside the key's agency,
/// and another agency's job answers 404 like a missing one.
///
/// - `POST /v1/plan` `{user_id, query, constraints}` (`Idempotency-Key` honoured): 202 `{job_id, status}`.
/// - `POST /v1/plan/sync?timeout=S`: the same start, then waits up to `S` seconds (default
///   `syncDefault`, at most `syncMaximum`) for the job to end or to need an approval; 200 with the
///   job's status document when it ended, 202 with it otherwise.
/// - `GET /v1/status/{job_id}`: the job (`PlanningJob.json`).
/// - `GET /v1/jobs/{user_id}?status=&limit=&cursor=`: the user's jobs, newest first (`+Jobs`).
/// - `GET /v1/stream/{job_id}`: Server-Sent Events (`PlanningEvents`).
/// - `POST /v1/approve`, `POST /v1/jobs/{job_id}/cancel`, `POST /v1/jobs/{job_id}/answer` (`+Decisions`).
/// - `GET/PUT /v1/preferences/{user_id}`, `POST /v1/feedback` (`+Profiles`).
/// - `POST /v1/suggest` `{user_id, trigger_type, context}`: starts `trip-suggestion` (`+Suggestions`).
public struct PlanningRoutes<Store: FlowStore, Profiles: ProfileStore>: Sendable {
    /// How long `/v1/plan/sync` waits when `?timeout=` is not given, and the longest it waits.
    public static var syncDefault: Duration { .seconds(30) }
    public static var syncMaximum: Duration { .seconds(120) }

    let store: Store
    /// Users' preferences and feedback (the same database as `store`; in memory, the product's store).
    let profiles: Profiles
    let services: ProductServices
    let starter: InstanceStarter<Store>
    let decisions: ApprovalDecisions<Store>
    /// How often a stream says it is alive.
    let heartbeat: Duration

    public init(store: Store, profiles: Profiles, services: ProductServices, heartbeat: Duration = .seconds(15)) {
        self.store = store
        self.profiles = profiles
        self.services = services
        self.starter = InstanceStarter(
            store: store, registry: services.registry, wakeup: services.wakeup, handoff: services.handoff)
        self.decisions = ApprovalDecisions(store: store, wakeup: services.wakeup)
        self.heartbeat = heartbeat
    }

    public func add(to router: Router<FlowRequestContext>) {
        router.post("v1/plan") { request, context -> Response in
            let (job, created) = try await start(request, identity: try context.requireIdentity())
            let body: Value = [
                "job_id": .string(job.record.id), "user_id": job.userID.map(Value.string) ?? .null,
                "status": .string(job.status.rawValue), "created_at": .instant(job.record.createdAt),
                "message": created ? "Planning started" : "A job with this Idempotency-Key exists",
            ]
            return APIResponse.json(
                body, status: created ? .accepted : .ok, headers: [.location: "/v1/status/\(job.record.id)"])
        }
        router.post("v1/plan/sync") { request, context -> Response in
            let bound = try Self.syncTimeout(request)
            let (started, _) = try await start(request, identity: try context.requireIdentity())
            let job = try await settled(started, within: bound)
            return APIResponse.json(
                job.json, status: job.status.isFinal ? .ok : .accepted,
                headers: [.location: "/v1/status/\(job.record.id)"])
        }
        router.get("v1/status/:job_id") { _, context -> Response in
            let record = try await visible(try context.parameters.require("job_id"), to: try context.requireIdentity())
            return APIResponse.json(try await PlanningJob.read(record, from: store).json)
        }
        router.get("v1/stream/:job_id") { request, context -> Response in
            let record = try await visible(try context.parameters.require("job_id"), to: try context.requireIdentity())
            let after = try TimelineRoutes.after(request)
            let store = self.store
            let job = record.id
            return TimelineStream.response(
                id: job, after: after, store: store, notifier: services.timeline, heartbeat: heartbeat,
                events: { PlanningEvents.events(for: $0, job: job) },
                end: { ended, sequence in
                    [PlanningEvents.terminal(try await PlanningJob.read(ended, from: store), sequence: sequence)]
                })
        }
        // `v1/jobs/{user_id}` and `v1/jobs/{job_id}/cancel` share one path parameter name (one trie node).
        router.get("v1/jobs/:id") { request, context -> Response in
            try await jobs(request, user: try context.parameters.require("id"), identity: try context.requireIdentity())
        }
        router.post("v1/approve") { request, context -> Response in
            try await approve(request, identity: try context.requireIdentity())
        }
        router.post("v1/jobs/:id/cancel") { request, context -> Response in
            let id = try context.parameters.require("id")
            return try await cancel(request, job: id, identity: try context.requireIdentity())
        }
        router.post("v1/jobs/:id/answer") { request, context -> Response in
            let id = try context.parameters.require("id")
            return try await answer(request, job: id, identity: try context.requireIdentity())
        }
        router.get("v1/preferences/:user_id") { request, context -> Response in
            let user = try context.parameters.require("user_id")
            return try await preferences(request, user: user, identity: try context.requireIdentity())
        }
        router.put("v1/preferences/:user_id") { request, context -> Response in
            let user = try context.parameters.require("user_id")
            return try await putPreferences(request, user: user, identity: try context.requireIdentity())
        }
        router.post("v1/feedback") { request, context -> Response in
            try await feedback(request, identity: try context.requireIdentity())
        }
        router.post("v1/suggest") { request, context -> Response in
            try await suggest(request, identity: try context.requireIdentity())
        }
    }

    /// Job `id` when `identity` may see it: an instance of a job flow of its agency; 404 otherwise.
    func visible(_ id: String, to identity: APIIdentity) async throws -> InstanceRecord {
        guard let record = try await store.instance(id: id), PlanningJob.flows.contains(record.flow),
              identity.canSee(agency: record.agencyID)
        else { throw APIError.notFound("no such job") }
        return record
    }

    /// Starts the job a request asks for — a plan (`PlanRequest`) or a suggestion
    /// (`SuggestRequest`) — or finds the one its `Idempotency-Key` started; whether it was created now.
    func start(
        _ request: Request, identity: APIIdentity, flow: String = PlanningJob.flow,
        input: (Value, [InputField]) throws -> Value = PlanRequest.input(_:declaredBy:)
    ) async throws -> (PlanningJob, Bool) {
        guard let loaded = services.registry.current(flow) else {
            throw APIError(.serviceUnavailable, code: "unavailable", message: "the workflow directory has no '\(flow)' flow")
        }
        let body = try await APIResponse.body(of: request)
        let typed = try input(body, loaded.flow.input)
        let agency = try RequestAgency.forWrite(identity, named: nil)
        let given = try IdempotencyKeyHeader.value(of: request)
        // Per agency and flow, and apart from the control plane's keys (`api/…`).
        let scope = flow == PlanningJob.flow ? "v1" : "v1/\(flow)"
        let key = given.map { "\(scope)/\(agency ?? "-")/\($0)" }
        let result: CreateInstanceResult
        do {
            result = try await starter.start(flow: flow, input: typed, agency: agency, idempotencyKey: key, at: services.clock())
        } catch let error as InstanceStartError {
            throw APIError.unprocessable(error.description)
        }
        switch result {
        case .created(let record):
            // Created by this request: no timeline or approval to read yet (two queries saved per start).
            let state = try? InstanceStateCoding.decode(record.state)
            return (PlanningJob(record: record, state: state, history: [], approvals: []), true)
        case .existing(let record): return (try await PlanningJob.read(record, from: store), false)
        }
    }

    /// The job once it ended or needs an approval, or as it is after `bound`.
    func settled(_ job: PlanningJob, within bound: Duration) async throws -> PlanningJob {
        let deadline = ContinuousClock.now + bound
        var job = job
        while !job.status.isFinal, job.status != .waitingApproval {
            let seen = services.timeline.version(of: job.record.id)
            let left = deadline - ContinuousClock.now
            guard left > .zero, !Task.isCancelled else { break }
            guard let record = try await store.instance(id: job.record.id) else { break }
            job = try await PlanningJob.read(record, from: store)
            if job.status.isFinal || job.status == .waitingApproval { break }
            await services.timeline.wait(for: job.record.id, after: seen, atMost: min(left, .seconds(1)))
        }
        return job
    }

    /// `?timeout=` in seconds (0…`syncMaximum`), else `syncDefault`; 400 when it is not a number.
    static func syncTimeout(_ request: Request) throws -> Duration {
        guard let text = request.uri.queryParameters.get("timeout") else { return syncDefault }
        guard let seconds = Double(text), seconds.isFinite, seconds >= 0 else {
            throw APIError.badRequest("timeout must be a number of seconds (0 to \(syncMaximum.components.seconds))")
        }
        let capped = min(seconds, Double(syncMaximum.components.seconds))
        return .milliseconds(Int64(capped * 1_000))
    }
}
