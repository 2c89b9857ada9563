import FakeProviders
import FlowEngine
import FlowRuntime
import Foundation
import PostgresNIO
import Steps
import Testing
import Travel

/// The control plane end to end: two `flowctl serve` processes on one PostgreSQL, the shipped
/// `trip-planning` started over daemon A's API with the fakes answering OpenAI and Twilio, its
/// booking approval decided through daemon B's API, and a timeline client that hangs up mid-run
/// on B and resumes on A with `Last-Event-ID`.
@Suite("trip-planning across two daemons", .serialized)
struct PlanningAcrossDaemonsTests {
    typealias E = ServeEndToEndTests

    @Test("start on A, decide on B, resume the stream on A: every entry once, then the end",
          .enabled(if: TestPostgres.url != nil, "FLOW_TEST_POSTGRES_URL is not set"))
    func planningAcrossDaemons() async throws {
        let run = try await TwoPlanningDaemons.start(keyName: "acme-ops", extraFlows: ["trips": E.tripsFlow])
        let (a, b, key, fake) = (run.a, run.b, run.key, run.fake)
        func logs() -> String { run.logs() }

        // The trip the plan is for, recorded through A's event route.
        let trip: Value = ["trip": [
            "id": "trip-lis", "agency_id": "acme", "client_name": "Lucía Gómez", "whatsapp": "+5491155550000",
            "flight_number": "TP1234", "origin": "EZE", "destination": "LIS", "departure": "2026-09-09T21:30:00-03:00",
        ]]
        let recorded = try await Self.send(.post, a + "/events/trip.created", token: key, body: trip)
        #expect(recorded.status == 200, "\(recorded.json)\n\(logs())")

        let input = try Self.planningInput()
        let started = try await Self.send(
            .post, a + "/instances", token: key, body: ["flow": "trip-planning", "input": input])
        try #require(started.status == 201, "\(started.json)\n\(logs())")
        let id = try #require(started.json["id"]?.stringValue)

        // B's client watches until the booking approval is requested, then hangs up.
        let first = try await ServerSentEventsClient(url: b + "/instances/\(id)/events", token: key)
            .read { events in events.contains { $0.name == "approval_requested" } }
        #expect(first.status == 200 && !first.closedByServer, "\(first.events.map(\.name))\n\(logs())")
        let lastSeen = try #require(first.events.last?.id)

        // The approval, listed and decided through B.
        var approvalID: String?
        let listed = await E.eventually(30) {
            let list = try? await Self.send(.get, b + "/approvals", token: key)
            approvalID = list?.json["approvals"]?.arrayValue?.first { $0["instance_id"]?.stringValue == id }?["id"]?
                .stringValue
            return approvalID != nil
        }
        try #require(listed, "no pending approval on B\n\(logs())")
        let decided = try await Self.send(
            .post, b + "/approvals/\(approvalID ?? "")/decision", token: key,
            body: ["decision": "approve", "notes": "book it"])
        #expect(decided.status == 200, "\(decided.json)")
        #expect(decided.json["decided_by"] == "acme-ops")

        // A's client resumes after the last entry B's client saw and reads to the end.
        let rest = try await ServerSentEventsClient(url: a + "/instances/\(id)/events", token: key)
            .read(after: lastSeen, timeout: .seconds(90))
        #expect(rest.closedByServer, "the stream did not close after the end\n\(logs())")
        let end = try #require(rest.events.last, "nothing after the reconnect\n\(logs())")
        #expect(end.name == "end" && end.json?["status"] == "succeeded", "\(end)\n\(logs())")

        // Every entry exactly once across the two connections, in sequence order, none missing.
        let entries = (first.events + rest.events.dropLast()).compactMap(\.id)
        let timeline = try await Self.send(.get, b + "/instances/\(id)/events?limit=1000", token: key)
        let stored = timeline.json["events"]?.arrayValue?.compactMap { $0["seq"]?.numberValue.map(Int64.init) } ?? []
        #expect(!stored.isEmpty && entries == stored, "streamed \(entries)\nstored \(stored)")
        #expect(Set(entries).count == entries.count, "an entry came twice")
        let decision = rest.events.first { $0.name == "approval_decided" }?.json?["decision"]
        #expect(decision?["by"] == "acme-ops" && decision?["decision"] == "approve", "\(String(describing: decision))")

        let instance = try await Self.send(.get, a + "/instances/\(id)", token: key)
        #expect(instance.json["status"] == "succeeded", "\(instance.json)\n\(logs())")
        #expect(fake.acceptedMessages.contains { $0.to == "whatsapp:+5491155550000" }, "the traveller was not told")
        await run.stop()
    }

    /// The example's OpenAI answers for a request that needs no question and a first itinerary that
    /// checks: the complete brief, the three research answers, the valid itinerary.
    static func plannerAnswers() throws -> [String] {
        let path = E.repository.appendingPathComponent("examples/trip-planning/fixtures.yaml").path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let fixtures = try LocatedDocument(parsing: SourceFile(path: path, text: text)).value
        let answers = fixtures["openai"]?.arrayValue?.compactMap { $0["content"]?.stringValue } ?? []
        try #require(answers.count == 7, "examples/trip-planning/fixtures.yaml changed: \(answers.count) answers")
        return [answers[1], answers[2], answers[3], answers[4], answers[6]]
    }

    static func planningInput() throws -> Value {
        let url = E.repository.appendingPathComponent("examples/trip-planning/input.json")
        return try JSONDecoder().decode(Value.self, from: Data(contentsOf: url))
    }

    struct Answer {
        var status: Int
        var json: Value
    }

    static func send(_ method: HTTPRequestSpec.Method, _ url: String, token: String, body: Value? = nil) async throws -> Answer {
        var headers = [("Authorization", "Bearer \(token)")]
        if body != nil { headers.append(("Content-Type", "application/json")) }
        let response = try await AsyncHTTPClientTransport().send(
            HTTPRequestSpec(method: method, url: url, headers: headers, body: body.map { Array($0.jsonText.utf8) } ?? []),
            timeout: .seconds(30))
        let json = (try? JSONDecoder().decode(Value.self, from: Data(response.body))) ?? .null
        return Answer(status: response.status, json: json)
    }
}
