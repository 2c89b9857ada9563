public import FlowEngine
import HTTPTypes
public import Hummingbird

/// The instance routes, every one scoped to the key's agency (another agency's instance is 404):
///
/// - `POST /instances` `{flow, input, agency?}` with an optional `Idempotency-Key` header: 201
///   with the new instance, 200 with the one the key already started; `agency` only for admin keys.
/// - `GET /instances/{id}`: status, version, settings, states and what it waits for.
/// - `GET /instances?flow=&status=&agency=&limit=&cursor=`: a page in `(created_at, id)` order
///   and `next_cursor` (null on the last page); `agency` filters only for admin keys.
/// - `POST /instances/{id}/cancel` `{reason?}`: 202 once the cancel is in the instance's inbox
///   (the worker ends it `cancelled`); 409 when it already finished.
/// - `POST /instances/{id}/resume` `{action?: retry|fail, note?}`: 202 once the resume of its paused
///   steps (`on_exhausted: pause`) is in its inbox; 409 when it finished or nothing is paused.
public enum InstanceRoutes {
    /// Where the routes' collaborators come from.
    public struct Dependencies<Store: FlowStore>: Sendable {
        public var store: Store
        public var starter: InstanceStarter<Store>
        public var wakeup: WorkerWakeup?
        public var clock: @Sendable () -> Instant

        public init(
            store: Store, starter: InstanceStarter<Store>, wakeup: WorkerWakeup?,
            clock: @escaping @Sendable () -> Instant = InstanceWorker<Store>.wallClock
        ) {
            self.store = store
            self.starter = starter
            self.wakeup = wakeup
            self.clock = clock
        }
    }

    /// The largest page `GET /instances` returns.
    public static let maximumLimit = 500

    public static func add<Context: AuthenticatedRequestContext, Store: FlowStore>(
        to router: Router<Context>, _ dependencies: Dependencies<Store>
    ) {
        let d = dependencies
        router.post("instances") { request, context -> Response in
            try await start(request, identity: try context.requireIdentity(), d)
        }
        router.get("instances") { request, context -> Response in
            try await list(request, identity: try context.requireIdentity(), d)
        }
        router.get("instances/:id") { _, context -> Response in
            let id = try context.parameters.require("id")
            let record = try await visible(id, to: try context.requireIdentity(), d.store)
            let definition = try await d.store.definition(hash: record.definitionHash)
            return APIResponse.json(InstanceView.json(record, version: definition?.version))
        }
        router.post("instances/:id/cancel") { request, context -> Response in
            let id = try context.parameters.require("id")
            return try await cancel(request, id: id, identity: try context.requireIdentity(), d)
        }
        router.post("instances/:id/resume") { request, context -> Response in
            let id = try context.parameters.require("id")
            return try await resume(request, id: id, identity: try context.requireIdentity(), d)
        }
    }

    /// The instance `id` when `identity` may see it; 404 otherwise (whether or not it exists).
    static func visible<Store: FlowStore>(_ id: String, to identity: APIIdentity, _ store: Store) async throws
        -> InstanceRecord
    {
        guard let record = try await store.instance(id: id), identity.canSee(agency: record.agencyID) else {
            throw APIError.notFound("no such instance")
        }
        return record
    }

    static func start<Store: FlowStore>(
        _ request: Request, identity: APIIdentity, _ d: Dependencies<Store>
    ) async throws -> Response {
        let body = try await APIResponse.body(of: request)
        guard case .object(let members) = body else { throw APIError.badRequest("the body must be a JSON object") }
        if let unknown = members.keys.sorted().first(where: { !["flow", "input", "agency"].contains($0) }) {
            throw APIError.unprocessable("unknown field '\(unknown)' (flow, input, agency)")
        }
        guard let flow = members["flow"]?.stringValue, !flow.isEmpty else {
            throw APIError.badRequest("'flow' (the flow's name) is required")
        }
        let named = members["agency"]
        guard named == nil || named == .null || named?.stringValue != nil else {
            throw APIError.badRequest("'agency' must be a string")
        }
        let agency = try RequestAgency.forWrite(identity, named: named?.stringValue)
        guard let loaded = d.starter.registry.current(flow) else { throw APIError.notFound("no flow '\(flow)'") }
        let input: Value
        do {
            let given = LocatedDocument(members["input"] ?? .object([:]))
            input = try InputCheck.typed(given, declaredBy: loaded.flow.input)
        } catch {
            throw APIError.unprocessable("\(error)")
        }
        // Keys are per agency: the same Idempotency-Key from two agencies names two instances.
        let key = try IdempotencyKeyHeader.value(of: request).map { "api/\(agency ?? "-")/\($0)" }
        let result: CreateInstanceResult
        do {
            result = try await d.starter.start(
                flow: flow, input: input, agency: agency, idempotencyKey: key, at: d.clock())
        } catch let error as InstanceStarter<Store>.StartError {
            throw APIError.unprocessable(error.description)
        }
        switch result {
        case .created(let record):
            return APIResponse.json(
                InstanceView.json(record, version: loaded.flow.version.value), status: .created,
                headers: [.location: "/instances/\(record.id)"])
        case .existing(let record):
            guard record.flow == flow else {
                throw APIError.conflict("this Idempotency-Key already started another flow")
            }
            let definition = try await d.store.definition(hash: record.definitionHash)
            let location: HTTPFields = [.location: "/instances/\(record.id)"]
            return APIResponse.json(InstanceView.json(record, version: definition?.version), headers: location)
        }
    }

    static func list<Store: FlowStore>(
        _ request: Request, identity: APIIdentity, _ d: Dependencies<Store>
    ) async throws -> Response {
        let query = request.uri.queryParameters
        var filter = InstanceFilter(flow: query.get("flow"))
        filter.agencyID = try RequestAgency.forList(identity, named: query.get("agency"))
        if let status = query.get("status") {
            guard let known = InstanceStatus(rawValue: status) else {
                let known = InstanceStatus.allCases.map(\.rawValue).joined(separator: ", ")
                throw APIError.badRequest("status '\(status)' is not one of \(known)")
            }
            filter.status = known
        }
        var limit = 50
        if let text = query.get("limit") {
            guard let value = Int(text), (1...maximumLimit).contains(value) else {
                throw APIError.badRequest("limit must be a number from 1 to \(maximumLimit)")
            }
            limit = value
        }
        if let cursor = query.get("cursor") {
            guard let decoded = PageCursor.decode(cursor) else { throw APIError.badRequest("cursor is not valid") }
            filter.after = decoded
        }
        filter.createdFrom = try instant(query.get("created_from"), "created_from")
        filter.createdBefore = try instant(query.get("created_before"), "created_before")
        var waiting: WaitingForFilter?
        if let text = query.get("waiting_for") {
            guard let parsed = WaitingForFilter(text) else {
                let kinds = WaitingForFilter.kinds.joined(separator: ", ")
                throw APIError.badRequest("waiting_for '\(text)' is not one of \(kinds), or event:NAME")
            }
            waiting = parsed
        }
        let subject = SubjectFilter(trip: query.get("trip").map { String($0) }, user: query.get("user").map { String($0) })
        let matches: ((InstanceRecord) -> Bool)? = waiting == nil && subject == nil ? nil : { record in
            (waiting?.matches(record) ?? true) && (subject?.matches(record) ?? true)
        }
        let (shown, next) = try await page(filter, limit: limit, matching: matches, store: d.store)
        return APIResponse.json([
            "instances": .array(shown.map(InstanceView.summary)),
            "next_cursor": next.map { .string(PageCursor.encode($0)) } ?? .null,
        ])
    }

    /// At most `limit` instances matching `filter` (and `matches`, read from their states:
    /// `waiting_for`, `trip`, `user`), and the cursor of the next page. With `matches`, rows are read
    /// in batches and filtered; after `waitScanLimit` rows without filling the page, the page ends
    /// there (with a cursor to go on).
    static func page<Store: FlowStore>(
        _ filter: InstanceFilter, limit: Int, matching matches: ((InstanceRecord) -> Bool)?, store: Store
    ) async throws -> (shown: [InstanceRecord], next: InstanceCursor?) {
        var filter = filter
        guard let matches else {
            filter.limit = limit + 1
            let rows = try await store.instances(matching: filter)
            let shown = Array(rows.prefix(limit))
            return (shown, rows.count > limit ? shown.last.map(InstanceCursor.init(after:)) : nil)
        }
        var shown: [InstanceRecord] = []
        var scanned = 0
        filter.limit = 500
        while true {
            let rows = try await store.instances(matching: filter)
            for record in rows {
                scanned += 1
                if matches(record) {
                    if shown.count == limit { return (shown, shown.last.map(InstanceCursor.init(after:))) }
                    shown.append(record)
                }
                filter.after = InstanceCursor(after: record)
            }
            if rows.count < filter.limit { return (shown, nil) }
            if scanned >= waitScanLimit { return (shown, filter.after) }
        }
    }

    /// How many rows one filtered page (`waiting_for`, `trip`, `user`) reads at most before it ends early.
    static var waitScanLimit: Int { 5_000 }

    static func instant(_ text: String?, _ name: String) throws -> Instant? {
        guard let text else { return nil }
        guard let instant = Instant(iso8601: text) else {
            throw APIError.badRequest("\(name) must be an ISO-8601 instant (2026-07-06T10:00:00Z)")
        }
        return instant
    }

    static func cancel<Store: FlowStore>(
        _ request: Request, id: String, identity: APIIdentity, _ d: Dependencies<Store>
    ) async throws -> Response {
        let given = try await APIResponse.cancelReason(of: request)
        let record = try await visible(id, to: identity, d.store)
        let outcome = try await InstanceCancellation.request(
            record, by: identity.keyName, reason: given, in: d.store, wakeup: d.wakeup, at: d.clock())
        guard case .requested(let reason, let status) = outcome else {
            throw APIError.conflict("instance '\(id)' already ended \(record.status.rawValue)")
        }
        let answer: Value = [
            "id": .string(id), "status": .string(status.rawValue), "cancel_requested": true,
            "reason": .string(reason),
        ]
        return APIResponse.json(answer, status: .accepted)
    }

    static func resume<Store: FlowStore>(
        _ request: Request, id: String, identity: APIIdentity, _ d: Dependencies<Store>
    ) async throws -> Response {
        let (action, note) = try await APIResponse.resumeRequest(of: request)
        let record = try await visible(id, to: identity, d.store)
        let outcome = try await InstanceResumption.request(
            record, action: action, by: identity.keyName, note: note, in: d.store, wakeup: d.wakeup, at: d.clock())
        switch outcome {
        case .alreadyEnded(let status):
            throw APIError.conflict("instance '\(id)' already ended \(status.rawValue)")
        case .notPaused:
            throw APIError.conflict("nothing in instance '\(id)' is paused")
        case .requested(let steps):
            let answer: Value = [
                "id": .string(id), "status": .string(record.status.rawValue), "resume_requested": true,
                "action": .string(action.rawValue),
                "paused": .array(steps.map { step -> Value in
                    ["state": .string(step.state), "attempt": .number(Double(step.attempt)), "error": step.error.value,
                     "since": .instant(step.since)]
                }),
            ]
            return APIResponse.json(answer, status: .accepted)
        }
    }
}
