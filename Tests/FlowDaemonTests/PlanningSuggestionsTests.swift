import FakeProviders
import FlowEngine
import FlowRuntime
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import Travel

/// `POST /v1/suggest` through the real daemon's router (SQLite) running the shipped
/// `trip-suggestion`: a suggestion is a proactive job; opt-outs, the cool-down and quiet hours
/// suppress or defer it, and the job's result or timeline says why.
@Suite("Planning /v1 suggestions", .serialized)
struct PlanningSuggestionsTests {
    typealias H = PlanningAPITests.Harness

    static func send(
        _ client: some TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, token: String?, _ body: Value?
    ) async throws -> (HTTPResponse.Status, Value) {
        try await PlanningAPITests.send(client, method, uri, token: token, body: body)
    }

    static let priceDrop: Value = [
        "user_id": "u-7", "trigger_type": "price_drop",
        "context": ["route": "EZE-MAD", "old_price": 1200, "new_price": 950, "currency": "USD"],
    ]

    static let answer = #"{"title":"Madrid for less","message":"EZE-MAD dropped to 950 USD.","action":"view_deal"}"#

    /// Two quiet hours in UTC starting `hours` after the current hour.
    static func quietHours(from hours: Int) -> String {
        let now = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: Date()).hour!
        return String(format: "%02d:00-%02d:00", (now + hours) % 24, (now + hours + 2) % 24)
    }

    /// Waits for the job to end; its status document.
    static func ended(_ client: some TestClientProtocol, _ id: String, token: String) async throws -> Value {
        for _ in 0..<100 {
            let (_, status) = try await send(client, .get, "/v1/status/\(id)", token: token, nil)
            if status["completed_at"] != .null { return status }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("job \(id) did not end")
        return .null
    }

    @Test("a suggestion is a proactive job; the same trigger again within the cool-down is suppressed, with why")
    func suggestThenCoolDown() async throws {
        let h = try await H.make(plans: 0)
        h.fake.script(.openai, [.openAIContent(Self.answer)])
        try await h.app().test(.router) { client in
            // Quiet hours far from now (the default 22:00-08:00 UTC could hold the suggestion back).
            for token in [h.acme, h.patagonia] {
                let (stored, _) = try await Self.send(client, .put, "/v1/preferences/u-7", token: token, [
                    "zone": "UTC", "quiet_hours": .string(Self.quietHours(from: 10)),
                ])
                #expect(stored == .ok)
            }
            let (bad, problem) = try await Self.send(
                client, .post, "/v1/suggest", token: h.acme, ["user_id": "u-7", "trigger_type": "price_drop"])
            #expect(bad == .unprocessableContent && problem["error"]?["message"]?.stringValue?.contains("context") == true)

            let (created, started) = try await Self.send(client, .post, "/v1/suggest", token: h.acme, Self.priceDrop)
            #expect(created == .accepted && started["mode"] == "proactive", "\(started)")
            let id = try #require(started["job_id"]?.stringValue)
            let first = try await Self.ended(client, id, token: h.acme)
            #expect(first["status"] == "completed" && first["mode"] == "proactive", "\(first)")
            #expect(first["result"]?["suggested"] == true && first["result"]?["suggestion"]?["action"] == "view_deal")
            let prompt = PlanningProfilesTests.texts(h.fake.chatRequests)
            #expect(prompt.contains("EZE-MAD") && prompt.contains("price_drop"), "\(prompt)")

            let (_, again) = try await Self.send(client, .post, "/v1/suggest", token: h.acme, Self.priceDrop)
            let second = try await Self.ended(client, try #require(again["job_id"]?.stringValue), token: h.acme)
            #expect(second["result"]?["suggested"] == false && second["result"]?["suppressed"] == "cool_down", "\(second)")
            #expect(second["result"]?["reason"]?.stringValue?.contains("the cool-down of 3d ends at") == true, "\(second)")
            #expect(h.fake.chatRequests.count == 1, "a suppressed suggestion asked the model")

            // Another agency's user with the same id has their own cool-down.
            h.fake.script(.openai, [.openAIContent(Self.answer)])
            let (_, theirs) = try await Self.send(client, .post, "/v1/suggest", token: h.patagonia, Self.priceDrop)
            let other = try await Self.ended(client, try #require(theirs["job_id"]?.stringValue), token: h.patagonia)
            #expect(other["result"]?["suggested"] == true, "\(other)")
            let (hidden, _) = try await Self.send(client, .get, "/v1/status/\(id)", token: h.patagonia, nil)
            #expect(hidden == .notFound)

            let (_, jobs) = try await Self.send(client, .get, "/v1/jobs/u-7", token: h.acme, nil)
            #expect(jobs["jobs"]?.arrayValue?.count == 2 && jobs["jobs"]?.arrayValue?.allSatisfy { $0["mode"] == "proactive" } == true)
        }
    }

    @Test("an opted-out trigger is suppressed without a model call; quiet hours defer the suggestion")
    func optOutAndQuietHours() async throws {
        let h = try await H.make(plans: 0)
        try await h.app().test(.router) { client in
            // Quiet from this hour for two hours, in UTC: a suggestion now waits.
            let quiet = Self.quietHours(from: 0)
            let preferences: Value = [
                "notification_opt_outs": ["budget_surplus"], "zone": "UTC", "quiet_hours": .string(quiet),
            ]
            let (stored, _) = try await Self.send(client, .put, "/v1/preferences/u-7", token: h.acme, preferences)
            #expect(stored == .ok)

            let (_, surplus) = try await Self.send(client, .post, "/v1/suggest", token: h.acme, [
                "user_id": "u-7", "trigger_type": "budget_surplus", "context": ["surplus": 400, "currency": "USD"],
            ])
            let suppressed = try await Self.ended(client, try #require(surplus["job_id"]?.stringValue), token: h.acme)
            #expect(suppressed["result"]?["suppressed"] == "opt_out", "\(suppressed)")
            #expect(suppressed["result"]?["reason"] == "the user opted out of budget_surplus suggestions")

            let (_, gap) = try await Self.send(client, .post, "/v1/suggest", token: h.acme, [
                "user_id": "u-7", "trigger_type": "calendar_gap", "context": ["start": "2026-12-20", "end": "2026-12-27"],
            ])
            let id = try #require(gap["job_id"]?.stringValue)
            var events: [Value] = []
            for _ in 0..<100 where !events.contains(where: { $0["kind"] == "deferred" }) {
                let (_, timeline) = try await Self.send(client, .get, "/instances/\(id)/events", token: h.acme, nil)
                events = timeline["events"]?.arrayValue ?? []
                try await Task.sleep(for: .milliseconds(50))
            }
            let deferred = try #require(events.first { $0["kind"] == "deferred" }, "\(events.map { $0["kind"] })")
            #expect(deferred["reason"]?.stringValue?.contains("quiet hours \(quiet) UTC") == true, "\(deferred)")
            let (_, waiting) = try await Self.send(client, .get, "/v1/status/\(id)", token: h.acme, nil)
            #expect(waiting["completed_at"] == .null && h.fake.chatRequests.isEmpty, "\(waiting)")
            _ = try await Self.send(client, .post, "/v1/jobs/\(id)/cancel", token: h.acme, nil)
        }
    }
}
