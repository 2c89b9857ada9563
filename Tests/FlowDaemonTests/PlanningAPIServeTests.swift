import FakeProviders
import FlowEngine
import FlowRuntime
import Foundation
import PostgresNIO
import Steps
import Testing
import Travel

/// The planning `/v1` API end to end: two `flowctl serve` processes on one PostgreSQL, the fakes
/// answering OpenAI. A job planned on A is streamed on B by a client that hangs up once the booking
/// approval is requested; it is approved through B's `/v1/approve`, and the client resumes on A with
/// `Last-Event-ID`: every event once, then `complete` with the itinerary, and the stream closes.
@Suite("Planning /v1 API across two daemons", .serialized)
struct PlanningAPIServeTests {
    typealias P = PlanningAcrossDaemonsTests

    @Test("plan on A, stream on B, approve on B, resume on A: no gap, no duplicate, then complete",
          .enabled(if: TestPostgres.url != nil, "FLOW_TEST_POSTGRES_URL is not set"))
    func planAcrossDaemons() async throws {
        let run = try await TwoPlanningDaemons.start(keyName: "web")
        let (a, b, key) = (run.a, run.b, run.key)
        func logs() -> String { run.logs() }

        let request: Value = [
            "user_id": "u-42", "query": "Two of us want 4 days in Lisbon from 10 September 2026, around 3000 dollars.",
            "constraints": ["budget_usd": 3000, "party": ["adults": 2, "children": 0], "interests": ["food", "history"]],
        ]
        let started = try await P.send(.post, a + "/v1/plan", token: key, body: request)
        try #require(started.status == 202, "\(started.json)\n\(logs())")
        let id = try #require(started.json["job_id"]?.stringValue)

        let first = try await ServerSentEventsClient(url: b + "/v1/stream/\(id)", token: key)
            .read { events in events.contains { $0.name == "approval_requested" } }
        #expect(first.status == 200 && !first.closedByServer, "\(first.events.map(\.name))\n\(logs())")
        let lastSeen = try #require(first.events.last?.id)

        let status = try await P.send(.get, b + "/v1/status/\(id)", token: key)
        #expect(status.json["status"] == "waiting_approval", "\(status.json)")
        let decided = try await P.send(
            .post, b + "/v1/approve", token: key, body: ["job_id": .string(id), "approved": true])
        #expect(decided.status == 200 && decided.json["decided_by"] == "web", "\(decided.json)")

        let rest = try await ServerSentEventsClient(url: a + "/v1/stream/\(id)", token: key)
            .read(after: lastSeen, timeout: .seconds(90))
        #expect(rest.closedByServer, "the stream did not close after the end\n\(logs())")
        let end = try #require(rest.events.last, "nothing after the reconnect\n\(logs())")
        #expect(end.name == "complete", "\(end)\n\(logs())")
        #expect(end.json?["result"]?["itinerary"]?["days"]?.arrayValue?.count == 4)

        // Across the two connections: every event once, in order (the ids of one entry's events repeat).
        let all = first.events + rest.events
        #expect(rest.events.allSatisfy { ($0.id ?? 0) > lastSeen }, "an event came twice")
        let ids = all.compactMap(\.id)
        #expect(ids.count == all.count && ids == ids.sorted())
        let timeline = try await P.send(.get, b + "/instances/\(id)/events?limit=1000", token: key)
        let stored = timeline.json["events"]?.arrayValue?.compactMap { $0["seq"]?.numberValue.map(Int64.init) } ?? []
        let mapped = timeline.json["events"]?.arrayValue?.filter { entry in
            ["state_entered", "step_called", "step_succeeded", "step_failed", "approval_requested", "approval_decided"]
                .contains(entry["kind"]?.stringValue ?? "")
        }.compactMap { $0["seq"]?.numberValue.map(Int64.init) } ?? []
        #expect(!stored.isEmpty && Set(ids.dropLast()) == Set(mapped), "streamed \(ids)\nmapped entries \(mapped)")
        let done = try await P.send(.get, a + "/v1/status/\(id)", token: key)
        #expect(done.json["status"] == "completed", "\(done.json)")
        await run.stop()
    }
}
