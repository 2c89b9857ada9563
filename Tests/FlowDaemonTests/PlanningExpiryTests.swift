import FakeProviders
import FlowEngine
import FlowRuntime
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import Travel

/// The third ending of the original's client exchange: nobody decides the booking approval. The
/// shipped `trip-planning` with its booking deadline shortened to 2 s (the shipped bounds start at
/// 1 h); the job ends `expired`, never approved, and the stream, the status and the jobs list agree.
@Suite("Planning /v1 expiry", .serialized)
struct PlanningExpiryTests {
    typealias H = PlanningAPITests.Harness

    @Test("no booking decision: the stream ends with error expired; status and jobs say expired; approve is a 409")
    func expiredOnSQLite() async throws {
        try await Self.expired(try await H.make())
    }

    @Test("the same expiry with the daemon on PostgreSQL", .enabled(if: TestPostgres.url != nil, "FLOW_TEST_POSTGRES_URL is not set"))
    func expiredOnPostgres() async throws {
        try await Self.expired(try await H.make(postgres: true))
    }

    static func expired(_ h: H) async throws {
        let path = URL(fileURLWithPath: h.fixture.workflows).appendingPathComponent("trip-planning.yaml")
        let shipped = try String(contentsOf: path, encoding: .utf8)
        let short = shipped.replacingOccurrences(
            of: "booking_expires_in: { type: duration, default: 48h, min: 1h,",
            with: "booking_expires_in: { type: duration, default: 2s, min: 1s,")
        try #require(short != shipped, "workflows/trip-planning.yaml's booking_expires_in changed")
        try short.write(to: path, atomically: true, encoding: .utf8)
        let acme = h.acme
        try await h.app().test(.router) { client in
            let (_, started) = try await PlanningAPITests.send(client, .post, "/v1/plan", token: acme, body: PlanningAPITests.request)
            let id = try #require(started["job_id"]?.stringValue)
            // The whole stream, read while the job waits and then expires.
            let (streamed, events) = try await PlanningAPITests.stream(client, id, token: acme)
            #expect(streamed == .ok)
            let names = events.map(\.name)
            #expect(names.contains("approval_requested"), "\(names)")
            let decision = try #require(events.first { $0.name == "approval_decided" }?.json, "\(names)")
            #expect(decision["decision"] == "expired" && decision["approved"] == false, "\(decision)")
            let last = try #require(events.last)
            #expect(last.name == "error" && last.json?["status"] == "expired", "\(last)")
            let (_, status) = try await PlanningAPITests.send(client, .get, "/v1/status/\(id)", token: acme)
            #expect(status["status"] == "expired" && status["error"]?["code"] == "booking_expired", "\(status)")
            #expect(status["pending_approval"] == .null && status["result"] == .null)
            let (_, listed) = try await PlanningAPITests.send(client, .get, "/v1/jobs/u-42?status=expired", token: acme)
            #expect(listed["jobs"]?.arrayValue?.map { $0["job_id"] } == [.string(id)])
            let (late, _) = try await PlanningAPITests.send(
                client, .post, "/v1/approve", token: acme, body: ["job_id": .string(id), "approved": true])
            #expect(late == .conflict)
        }
    }
}
