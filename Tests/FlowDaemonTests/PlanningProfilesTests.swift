import FakeProviders
import FlowEngine
import FlowRuntime
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import Travel

/// Preferences and feedback through the `/v1` API on the real daemon's router (SQLite), and the
/// shipped `trip-planning` reading them: the next plan's requests to the fake OpenAI change.
@Suite("Planning /v1 preferences and feedback", .serialized)
struct PlanningProfilesTests {
    typealias H = PlanningAPITests.Harness

    static func send(
        _ client: some TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, token: String?, _ body: Value?,
        _ headers: HTTPFields
    ) async throws -> (HTTPResponse.Status, Value) {
        try await PlanningAPITests.send(client, method, uri, token: token, body: body, headers: headers)
    }

    static let preferences: Value = [
        "home_airport": "mad", "currency": "eur", "budget_style": "moderate", "pace": "relaxed",
        "interests": ["museums"], "dietary_needs": ["vegetarian"], "accessibility_needs": ["step-free access"],
        "notification_opt_outs": ["price_drop"], "zone": "Europe/Madrid", "quiet_hours": "22:00-08:00",
    ]

    @Test("PUT checks every field, stores per agency and user; GET reads it back")
    func preferencesRoundTrip() async throws {
        let h = try await H.make(plans: 0)
        try await h.app().test(.router) { client in
            let (empty, none) = try await Self.send(client, .get, "/v1/preferences/u-42", token: h.acme, nil, [:])
            #expect(empty == .ok && none["preferences"] == [:] && none["updated_at"] == .null, "\(none)")

            let wrong: Value = [
                "home_airport": "XXX", "currency": "euro", "pace": "fast", "zone": "Mars/Olympus", "colour": "blue",
                "quiet_hours": "late", "interests": "food", "": .null,
            ]
            let (refused, problem) = try await Self.send(client, .put, "/v1/preferences/u-42", token: h.acme, wrong, [:])
            let message = problem["error"]?["message"]?.stringValue ?? ""
            #expect(refused == .unprocessableContent, "\(problem)")
            for field in ["home_airport: 'XXX' is not a known IATA airport code", "currency:", "pace:", "zone:",
                          "colour: unknown field", "quiet_hours:", "interests:"] {
                #expect(message.contains(field), "\(field) not in \(message)")
            }
            #expect(message.hasPrefix(": unknown field"), "a null value under an unknown name is still refused: \(message)")
            let (_, still) = try await Self.send(client, .get, "/v1/preferences/u-42", token: h.acme, nil, [:])
            #expect(still["preferences"] == [:], "a refused document was stored")

            let (stored, saved) = try await Self.send(
                client, .put, "/v1/preferences/u-42", token: h.acme, Self.preferences, [:])
            #expect(stored == .ok && saved["preferences"]?["home_airport"] == "MAD", "\(saved)")
            #expect(saved["preferences"]?["currency"] == "EUR" && saved["updated_by"] == "acme-ops")
            let (_, read) = try await Self.send(client, .get, "/v1/preferences/u-42", token: h.acme, nil, [:])
            #expect(read["preferences"] == saved["preferences"] && read["updated_at"] != .null)
            // The same user id in another agency is another user.
            let (_, theirs) = try await Self.send(client, .get, "/v1/preferences/u-42", token: h.patagonia, nil, [:])
            #expect(theirs["preferences"] == [:])
            let (forged, _) = try await Self.send(
                client, .get, "/v1/preferences/u-42?agency=acme", token: h.patagonia, nil, [:])
            #expect(forged == .forbidden)
            let (anonymous, _) = try await Self.send(client, .get, "/v1/preferences/u-42", token: nil, nil, [:])
            #expect(anonymous == .unauthorized)
        }
    }

    @Test("preferences and feedback change the next plan's model requests; feedback is in the job's timeline")
    func nextPlanReadsProfile() async throws {
        let h = try await H.make(plans: 2)
        let acme = h.acme
        try await h.app().test(.router) { client in
            let (_, first) = try await Self.send(
                client, .post, "/v1/plan/sync?timeout=60", token: acme, PlanningAPITests.request, [:])
            #expect(first["status"] == "waiting_approval", "\(first)")
            let firstID = try #require(first["job_id"]?.stringValue)
            let before = h.fake.chatRequests
            #expect(before.count == 5, "\(before.count) model calls")
            #expect(!Self.texts(before).contains("vegetarian") && !Self.texts(before).contains("flight_times"))
            #expect(first["current_output"]?["brief"]?["pace"] == .null)

            // Feedback: checked, stored with the flow version, in the job's timeline.
            let (bad, problem) = try await Self.send(
                client, .post, "/v1/feedback", token: acme, ["job_id": .string(firstID), "rating": 7], [:])
            #expect(bad == .unprocessableContent && problem["error"]?["message"]?.stringValue?.contains("rating") == true)
            let (foreign, _) = try await Self.send(
                client, .post, "/v1/feedback", token: h.patagonia, ["job_id": .string(firstID), "rating": 3], [:])
            #expect(foreign == .notFound)
            let rating: Value = [
                "job_id": .string(firstID), "rating": 2, "comment": "flights at 6 am",
                "helpful_aspects": ["creative_suggestions"], "improvement_areas": ["flight_times"],
            ]
            let (given, answer) = try await Self.send(client, .post, "/v1/feedback", token: acme, rating, [:])
            #expect(given == .ok && answer["message"] == "Feedback submitted successfully", "\(answer)")
            let version = try #require(answer["feedback"]?["flow_version"]?.stringValue)
            #expect(version.hasPrefix("1+") && answer["feedback"]?["given_by"] == "acme-ops")
            let (_, timeline) = try await Self.send(client, .get, "/instances/\(firstID)/events", token: acme, nil, [:])
            let entries = timeline["events"]?.arrayValue ?? []
            let feedback = entries.filter { $0["kind"] == "feedback" }
            #expect(feedback.count == 1 && feedback.first?["rating"] == 2, "\(timeline)")

            let (_, _) = try await Self.send(client, .put, "/v1/preferences/u-42", token: acme, Self.preferences, [:])
            let (_, second) = try await Self.send(
                client, .post, "/v1/plan/sync?timeout=60", token: acme, PlanningAPITests.request, [:])
            #expect(second["status"] == "waiting_approval", "\(second)")
            let after = Array(h.fake.chatRequests.dropFirst(before.count))
            #expect(after.count == 5)
            let intake = Self.texts(Array(after.prefix(1)))
            #expect(intake.contains("vegetarian") && intake.contains("relaxed") && intake.contains("MAD"), "\(intake)")
            #expect(intake.contains("flight_times"), "the intake does not carry the feedback: \(intake)")
            let research = Self.texts(Array(after.dropFirst().prefix(3)))
            #expect(research.contains("Pace: relaxed") && research.contains("Dietary needs: vegetarian"), "\(research)")
            #expect(research.contains("Earlier plans needed improvement in: flight_times"), "\(research)")
            // The plan itself changed: its brief carries the preferences; the constraints still win.
            let brief = try #require(second["current_output"]?["brief"])
            #expect(brief["pace"] == "relaxed" && brief["dietary_needs"] == ["vegetarian"], "\(brief)")
            #expect(brief["currency"] == "USD" && brief["interests"] == ["food", "history"], "\(brief)")

            let (_, metrics) = try await client.execute(
                uri: "/metrics", method: .get, headers: APIFixture.headers(h.fixture.admin, [:])
            ) { ($0.status, String(buffer: $0.body)) }
            let ratings = metrics.split(separator: "\n").filter { $0.hasPrefix("flow_plan_feedback_total{") }
            #expect(ratings.contains { line in
                ["flow=\"trip-planning\"", "version=\"\(version)\"", "rating=\"2\""].allSatisfy { line.contains($0) }
                    && line.hasSuffix(" 1")
            }, "\(ratings)")
        }
    }

    /// The messages' text of chat requests, joined.
    static func texts(_ requests: [Value]) -> String {
        requests.flatMap { $0["messages"]?.arrayValue ?? [] }.compactMap { $0["content"]?.stringValue }
            .joined(separator: "\n")
    }
}
