import FakeProviders
import FlowEngine
import FlowRuntime
import Foundation
import Hummingbird
import HummingbirdTesting
import PostgresNIO
import Steps
import Testing
import Travel

/// The planning `/v1` API through the real daemon's router on SQLite: the shipped `trip-planning`
/// run by the daemon's own worker, whose OpenAI is the fake (in process, as the daemon's transport)
/// scripted with the example's answers (`PlanningAcrossDaemonsTests.plannerAnswers`).
@Suite("Planning /v1 API", .serialized)
struct PlanningAPITests {
    typealias A = APIFixture

    struct Harness {
        let fixture: APIFixture
        let fake: FakeProviderServer
        /// The daemon's database: the fixture's SQLite file, or a fresh PostgreSQL database.
        let database: String
        let acme: String
        let patagonia: String

        /// `plans`: how many plans the fake's OpenAI answers (five answers each, in call order);
        /// later calls get the fake's default `{}`, which the intake rejects.
        static func make(plans: Int = 1, postgres: Bool = false) async throws -> Harness {
            let fake = FakeProviderServer()
            let answers = try PlanningAcrossDaemonsTests.plannerAnswers()
            fake.script(.openai, Array(repeating: answers, count: plans).flatMap { $0 }.map { .openAIContent($0) })
            let fixture = try await A.make(planning: true)
            guard postgres else {
                return Harness(
                    fixture: fixture, fake: fake, database: "sqlite://" + fixture.path, acme: fixture.acme,
                    patagonia: fixture.patagonia)
            }
            // The schema and the keys before the daemon starts (as `flowctl keys create` does).
            let database = try await TestPostgres.freshDatabase()
            guard case .postgres(let settings) = try StoreConfiguration.from(url: database) else {
                throw StoreError(.unavailable, "not a postgres:// URL")
            }
            var client = settings.clientConfiguration(maximumConnections: 2)
            client.tls = .disable
            let (acme, patagonia) = try await PostgresFlowStore.withStore(
                client, adding: TravelSchema.schema, connectionTimeout: TestPostgres.connectionWait
            ) { store in
                let now = InstanceWorker<PostgresFlowStore>.wallClock()
                return (
                    try await APIKeys.create(in: store, name: "acme-ops", agency: "acme", admin: false, at: now).token,
                    try await APIKeys.create(in: store, name: "pata-ops", agency: "patagonia", admin: false, at: now).token
                )
            }
            return Harness(fixture: fixture, fake: fake, database: database, acme: acme, patagonia: patagonia)
        }

        /// The daemon with OpenAI live against the fake; Twilio and AeroAPI sandboxed.
        func app(openaiPrices: ModelPrices = .defaults) async throws -> some ApplicationProtocol {
            var configuration = DaemonFixtures.configuration(database: database, workflows: fixture.workflows)
            configuration.openaiPrices = openaiPrices
            let variables = ["OPENAI_API_KEY": fake.configuration.openaiKey, "FLOW_OPENAI_URL": "http://fake.local/v1"]
            return try await buildApplication(
                configuration: configuration, product: TravelProduct(),
                environment: DaemonEnvironment(variables: variables, prometheus: PrometheusExport(), transport: fake))
        }
    }

    static let request: Value = [
        "user_id": "u-42",
        "query": "Two of us want 4 days in Lisbon from 10 September 2026, around 3000 dollars. We love food and history.",
        "constraints": [
            "budget_usd": 3000, "currency": "USD", "party": ["adults": 2, "children": 0],
            "interests": ["food", "history"],
        ],
    ]

    static func send(
        _ client: some TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, token: String?,
        body: Value? = nil, headers: HTTPFields = [:]
    ) async throws -> (HTTPResponse.Status, Value) {
        try await client.execute(
            uri: uri, method: method, headers: A.headers(token, headers), body: body.map { ByteBuffer(string: $0.jsonText) }
        ) { ($0.status, (try? A.json($0)) ?? .null) }
    }

    /// The events of a stream read to its end (under `.router` the body is the whole stream).
    static func stream(
        _ client: some TestClientProtocol, _ id: String, token: String, after: Int64? = nil
    ) async throws -> (HTTPResponse.Status, [ServerSentEventsClient.Event]) {
        var headers: HTTPFields = [.accept: "text/event-stream"]
        if let after { headers[.init("Last-Event-ID")!] = String(after) }
        return try await client.execute(uri: "/v1/stream/\(id)", method: .get, headers: A.headers(token, headers)) {
            let blocks = String(buffer: $0.body).components(separatedBy: "\n\n")
            return ($0.status, blocks.compactMap(ServerSentEventsClient.event))
        }
    }

    @Test("plan → sync until waiting_approval → approve during a live stream → complete; resume; status and jobs agree")
    func approvedPlan() async throws {
        try await Self.approvedPlan(try await Harness.make())
    }

    @Test("the same approved plan with the daemon on PostgreSQL",
          .enabled(if: TestPostgres.url != nil, "FLOW_TEST_POSTGRES_URL is not set"))
    func approvedPlanOnPostgres() async throws {
        try await Self.approvedPlan(try await Harness.make(postgres: true))
    }

    static func approvedPlan(_ h: Harness) async throws {
        let acme = h.acme
        try await h.app().test(.router) { client in
            let key: HTTPFields = [.init("Idempotency-Key")!: "lisbon-1"]
            let (created, started) = try await Self.send(
                client, .post, "/v1/plan", token: acme, body: Self.request, headers: key)
            #expect(created == .accepted && started["status"] == "started", "\(started)")
            let id = try #require(started["job_id"]?.stringValue)

            // The same key: the same job, here waited for until it needs the booking approval.
            let (waited, status) = try await Self.send(
                client, .post, "/v1/plan/sync?timeout=60", token: acme, body: Self.request, headers: key)
            #expect(waited == .accepted && status["job_id"]?.stringValue == id, "\(status)")
            #expect(status["status"] == "waiting_approval" && status["mode"] == "reactive", "\(status)")
            #expect(status["user_id"] == "u-42" && status["result"] == .null && status["error"] == .null)
            #expect(status["progress"]?["current_state"] == "approve_booking")
            #expect(status["progress"]?["tasks_completed"] == 7 && status["progress"]?["tasks_total"] == 7)
            let pending = try #require(status["pending_approval"])
            #expect(pending["kind"] == "booking" && pending["amount"] == 3130 && pending["currency"] == "USD")
            let outputs = Set(status["current_output"]?.objectValue?.keys.map { $0 } ?? [])
            #expect(outputs.isSuperset(of: ["brief", "flights", "stays", "activities", "budget", "itinerary"]))
            let (_, polled) = try await Self.send(client, .get, "/v1/status/\(id)", token: acme)
            for field in ["status", "progress", "current_output", "pending_approval"] {
                #expect(polled[field] == status[field], "the status route and the sync answer differ in \(field)")
            }
            let (listed, waiting) = try await Self.send(client, .get, "/v1/jobs/u-42?status=waiting_approval", token: acme)
            #expect(listed == .ok && waiting["jobs"]?.arrayValue?.map { $0["job_id"] } == [.string(id)])

            // A stream that is open when the decision comes: it goes on to the end.
            async let live = Self.stream(client, id, token: acme)
            try await Task.sleep(for: .milliseconds(300))
            let (decided, answer) = try await Self.send(
                client, .post, "/v1/approve", token: acme,
                body: ["job_id": .string(id), "approved": true, "notes": "book it"])
            #expect(decided == .ok && answer["approved"] == true && answer["decided_by"] == "acme-ops", "\(answer)")
            let (twice, _) = try await Self.send(
                client, .post, "/v1/approve", token: acme, body: ["job_id": .string(id), "approved": true])
            #expect(twice == .conflict)
            let (streamed, events) = try await live
            #expect(streamed == .ok)
            let names = events.map(\.name)
            for name in ["state_change", "task_start", "task_complete", "agent_output", "approval_requested",
                         "approval_decided", "complete"] {
                #expect(names.contains(name), "no \(name) in \(names)")
            }
            #expect(!names.contains("end") && !names.contains("error"))
            #expect(events.allSatisfy { $0.id != nil }, "an event without id")
            let ids = events.compactMap(\.id)
            #expect(ids == ids.sorted(), "ids out of order: \(ids)")
            let keys = events.filter { $0.name == "agent_output" }.compactMap { $0.json?["key"]?.stringValue }
            #expect(Set(keys) == ["flights", "stays", "activities", "itinerary"], "\(keys)")
            let decision = try #require(events.first { $0.name == "approval_decided" }?.json)
            #expect(decision["approved"] == true && decision["by"] == "acme-ops" && decision["notes"] == "book it")
            let complete = try #require(events.last)
            #expect(complete.name == "complete", "\(complete)")
            let result = try #require(complete.json?["result"])
            #expect(result["itinerary"]?["days"]?.arrayValue?.count == 4 && result["total"] == 3130, "\(result)")

            // Hang up after approval_requested and resume: the rest, no gap, no duplicate.
            let cut = try #require(events.first { $0.name == "approval_requested" }?.id)
            let (_, resumed) = try await Self.stream(client, id, token: acme, after: cut)
            let rest = events.filter { ($0.id ?? 0) > cut }
            #expect(resumed.map(\.name) == rest.map(\.name) && resumed.map(\.id) == rest.map(\.id))
            #expect(resumed.first.map { ($0.id ?? 0) > cut } == true)

            let (_, done) = try await Self.send(client, .get, "/v1/status/\(id)", token: acme)
            #expect(done["status"] == "completed" && done["result"] == result && done["error"] == .null)
            #expect(done["pending_approval"] == .null && done["completed_at"] != .null)
            let (_, jobs) = try await Self.send(client, .get, "/v1/jobs/u-42", token: acme)
            #expect(jobs["jobs"]?.arrayValue?.map { $0["status"] } == ["completed"])
            let (again, synced) = try await Self.send(
                client, .post, "/v1/plan/sync", token: acme, body: Self.request, headers: key)
            #expect(again == .ok && synced["job_id"]?.stringValue == id && synced["result"] == result)
            let (ended, _) = try await Self.send(client, .post, "/v1/jobs/\(id)/cancel", token: acme)
            #expect(ended == .conflict)
        }
    }

    @Test("a rejected booking: the job is cancelled, the stream ends with error; list filters by status")
    func rejectedPlan() async throws {
        let h = try await Harness.make()
        let acme = h.acme
        try await h.app().test(.router) { client in
            let (_, started) = try await Self.send(client, .post, "/v1/plan/sync?timeout=60", token: acme, body: Self.request)
            #expect(started["status"] == "waiting_approval", "\(started)")
            let id = try #require(started["job_id"]?.stringValue)
            let (other, _) = try await Self.send(
                client, .post, "/v1/approve", token: h.patagonia, body: ["job_id": .string(id), "approved": false])
            #expect(other == .notFound)
            let (malformed, _) = try await Self.send(
                client, .post, "/v1/approve", token: acme, body: ["job_id": .string(id), "approved": "no"])
            #expect(malformed == .unprocessableContent)
            let (rejected, _) = try await Self.send(
                client, .post, "/v1/approve", token: acme,
                body: ["job_id": .string(id), "approved": false, "notes": "too expensive"])
            #expect(rejected == .ok)
            let (_, events) = try await Self.stream(client, id, token: acme)
            let decision = try #require(events.first { $0.name == "approval_decided" }?.json)
            #expect(decision["approved"] == false && decision["notes"] == "too expensive")
            let last = try #require(events.last)
            #expect(last.name == "error" && last.json?["status"] == "cancelled", "\(last)")
            #expect(last.json?["error"]?["code"] == "plan_cancelled")
            let (_, status) = try await Self.send(client, .get, "/v1/status/\(id)", token: acme)
            #expect(status["status"] == "cancelled" && status["error"]?["code"] == "plan_cancelled", "\(status)")
            let (late, _) = try await Self.send(
                client, .post, "/v1/approve", token: acme, body: ["job_id": .string(id), "approved": true])
            #expect(late == .conflict)
            let (_, cancelled) = try await Self.send(client, .get, "/v1/jobs/u-42?status=cancelled", token: acme)
            #expect(cancelled["jobs"]?.arrayValue?.map { $0["job_id"] } == [.string(id)])
            let (_, completed) = try await Self.send(client, .get, "/v1/jobs/u-42?status=completed", token: acme)
            #expect(completed["jobs"]?.arrayValue?.isEmpty == true)
        }
    }

    @Test("422 names the field; sync answers 202 while waiting for approval; cancel; jobs newest first; 401 without a key")
    func requestsAndLists() async throws {
        let h = try await Harness.make()
        let acme = h.acme
        try await h.app().test(.router) { client in
            // First, while the fake still has the plan's answers: a job waited for until its approval, then cancelled.
            let (badTimeout, _) = try await Self.send(
                client, .post, "/v1/plan/sync?timeout=soon", token: acme, body: Self.request)
            #expect(badTimeout == .badRequest)
            let (sync, running) = try await Self.send(
                client, .post, "/v1/plan/sync?timeout=60", token: acme, body: Self.request)
            #expect(sync == .accepted && running["status"] == "waiting_approval", "\(running)")
            let syncID = try #require(running["job_id"]?.stringValue)
            let (cancel, cancelling) = try await Self.send(
                client, .post, "/v1/jobs/\(syncID)/cancel", token: acme, body: ["reason": "changed my mind"])
            #expect(cancel == .accepted && cancelling["reason"] == "cancelled by acme-ops: changed my mind")
            var cancelled: Value = .null
            let ended = await ServeEndToEndTests.eventually(30) {
                cancelled = (try? await Self.send(client, .get, "/v1/status/\(syncID)", token: acme).1) ?? .null
                return cancelled["status"] == "cancelled"
            }
            #expect(ended && cancelled["error"]?["code"] == "cancelled", "\(cancelled)")
            #expect(cancelled["pending_approval"] == .null)
            let (late, _) = try await Self.send(
                client, .post, "/v1/approve", token: acme, body: ["job_id": .string(syncID), "approved": true])
            #expect(late == .conflict)

            let bad: [(Value, String)] = [
                (["query": "Lisbon"], "user_id"),
                (["user_id": "u-1", "query": ""], "query"),
                (["user_id": "u-1", "query": "   "], "query"),
                (["user_id": "u-1", "query": .string(String(repeating: "a", count: 2_001))], "query"),
                (["user_id": "u-1", "query": "Lisbon", "constraints": ["budget_usd": 0]], "constraints.budget_usd"),
                (["user_id": "u-1", "query": "Lisbon", "constraints": "cheap"], "constraints"),
                (["user_id": "u-1", "query": "Lisbon", "constraints": ["party": ["adults": "two"]]],
                 "constraints.party.adults"),
            ]
            for (body, field) in bad {
                let (status, problem) = try await Self.send(client, .post, "/v1/plan", token: acme, body: body)
                let message = problem["error"]?["message"]?.stringValue ?? ""
                #expect(status == .unprocessableContent && message.hasPrefix(field), "\(body): \(message)")
            }
            let (longest, _) = try await Self.send(
                client, .post, "/v1/plan", token: acme,
                body: ["user_id": "u-1", "query": .string(String(repeating: "a", count: 2_000))])
            #expect(longest == .accepted)
            // A browser EventSource sends no header: the key as ?access_token=, on event streams only.
            let query = "access_token=\(acme)"
            try await client.execute(
                uri: "/v1/stream/\(syncID)?\(query)", method: .get, headers: [.accept: "text/event-stream"]
            ) { response in
                #expect(response.status == .ok)
                let last = String(buffer: response.body).components(separatedBy: "\n\n")
                    .compactMap(ServerSentEventsClient.event).last
                #expect(last?.name == "error" && last?.json?["status"] == "cancelled", "\(String(describing: last))")
            }
            for uri in ["/v1/stream/\(syncID)?\(query)", "/v1/status/\(syncID)?\(query)"] {
                try await client.execute(uri: uri, method: .get) { #expect($0.status == .unauthorized, "\(uri)") }
            }

            var ids: [String] = []
            for n in 0..<3 {
                let body: Value = ["user_id": "u-7", "query": .string("Trip \(n)")]
                let (_, job) = try await Self.send(client, .post, "/v1/plan", token: acme, body: body)
                ids.append(try #require(job["job_id"]?.stringValue))
                try await Task.sleep(for: .milliseconds(10))
            }
            _ = try await Self.send(client, .post, "/v1/plan", token: h.patagonia, body: ["user_id": "u-7", "query": "x"])
            var seen: [String] = []
            var cursor: String?
            repeat {
                let (status, page) = try await Self.send(
                    client, .get, "/v1/jobs/u-7?limit=2" + (cursor.map { "&cursor=\($0)" } ?? ""), token: acme)
                #expect(status == .ok)
                seen += page["jobs"]?.arrayValue?.compactMap { $0["job_id"]?.stringValue } ?? []
                cursor = page["next_cursor"]?.stringValue
            } while cursor != nil && seen.count < 10
            #expect(seen == ids.reversed(), "newest first, acme's only")
            for bad in ["/v1/jobs/u-7?status=asleep", "/v1/jobs/u-7?limit=0", "/v1/jobs/u-7?cursor=%%%"] {
                let (status, _) = try await Self.send(client, .get, bad, token: acme)
                #expect(status == .badRequest, "\(bad)")
            }
            let (unknown, _) = try await Self.send(client, .get, "/v1/status/nope", token: acme)
            #expect(unknown == .notFound)
            for (method, uri) in [(HTTPRequest.Method.post, "/v1/plan"), (.get, "/v1/status/\(ids[0])"),
                                  (.get, "/v1/stream/\(ids[0])"), (.get, "/v1/jobs/u-7"), (.post, "/v1/approve")] {
                let (status, _) = try await Self.send(client, method, uri, token: nil, body: Self.request)
                #expect(status == .unauthorized, "\(method) \(uri)")
            }
            // One OpenAPI document lists the planning routes too.
            let (_, document) = try await Self.send(client, .get, "/openapi.json", token: nil)
            let paths = Set(document["paths"]?.objectValue?.keys.map { $0 } ?? [])
            #expect(paths.isSuperset(of: [
                "/v1/plan", "/v1/plan/sync", "/v1/status/{job_id}", "/v1/jobs/{user_id}", "/v1/stream/{job_id}",
                "/v1/approve", "/v1/jobs/{job_id}/cancel",
            ]))
        }
    }
}
