import FlowEngine
import FlowRuntime
import Hummingbird

extension PlanningRoutes {
    /// The largest page `GET /v1/jobs/{user_id}` returns, and its default.
    static var maximumJobsPage: Int { 100 }
    static var defaultJobsPage: Int { 20 }

    /// `GET /v1/jobs/{user_id}?status=&limit=&cursor=`: the user's jobs in the key's agency (an admin
    /// key: every agency), newest first, `limit` (1–100, default 20) a page, `next_cursor` for the
    /// next (null on the last); `status` keeps one job status.
    ///
    /// The user is the job's `input.user_id`, which the runtime's instance rows do not index: the
    /// route reads the agency's jobs (`trip-planning` and `trip-suggestion` instances) in pages and keeps the user's, so its cost
    /// grows with the agency's jobs (a product index of jobs by user is the next step).
    func jobs(_ request: Request, user: String, identity: APIIdentity) async throws -> Response {
        let query = request.uri.queryParameters
        var wanted: JobStatus?
        if let text = query.get("status") {
            guard let status = JobStatus(rawValue: String(text)) else {
                let known = JobStatus.allCases.map(\.rawValue).joined(separator: ", ")
                throw APIError.badRequest("status '\(text)' is not one of \(known)")
            }
            wanted = status
        }
        var limit = Self.defaultJobsPage
        if let text = query.get("limit") {
            guard let value = Int(text), (1...Self.maximumJobsPage).contains(value) else {
                throw APIError.badRequest("limit must be a number from 1 to \(Self.maximumJobsPage)")
            }
            limit = value
        }
        var before: InstanceCursor?
        if let text = query.get("cursor") {
            guard let cursor = PageCursor.decode(String(text)) else { throw APIError.badRequest("cursor is not valid") }
            before = cursor
        }
        let agency = try RequestAgency.forList(identity, named: nil)
        var mine = try await records(of: user, agency: agency)
        // Newest first: (created_at, id) descending; a cursor keeps what comes after it in that order.
        mine.sort { ($0.createdAt, $0.id) > ($1.createdAt, $1.id) }
        if let before { mine.removeAll { ($0.createdAt, $0.id) >= (before.createdAt, before.id) } }
        var page: [PlanningJob] = []
        var more = false
        for record in mine {
            let job = try await PlanningJob.read(record, from: store)
            if let wanted, job.status != wanted { continue }
            guard page.count < limit else {
                more = true
                break
            }
            page.append(job)
        }
        let next = more ? page.last.map { PageCursor.encode(InstanceCursor(after: $0.record)) } : nil
        return APIResponse.json([
            "user_id": .string(user), "jobs": .array(page.map(\.summary)),
            "next_cursor": next.map(Value.string) ?? .null,
        ])
    }

    /// Every job (`PlanningJob.flows`) of `agency` (nil: all) whose `input.user_id` is `user`.
    func records(of user: String, agency: String?) async throws -> [InstanceRecord] {
        var found: [InstanceRecord] = []
        for flow in PlanningJob.flows {
            var filter = InstanceFilter(flow: flow, agencyID: agency, limit: 500)
            while true {
                let page = try await store.instances(matching: filter)
                for record in page {
                    let state = try? InstanceStateCoding.decode(record.state)
                    if state?.bindings["input"]?["user_id"]?.stringValue == user { found.append(record) }
                }
                guard page.count == filter.limit, let last = page.last else { break }
                filter.after = InstanceCursor(after: last)
            }
        }
        return found
    }
}
