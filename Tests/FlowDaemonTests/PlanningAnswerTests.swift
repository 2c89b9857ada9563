import FakeProviders
import FlowEngine
import FlowRuntime
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import Travel

/// `POST /v1/jobs/{job_id}/answer`: a job that asked the user for a missing essential goes on with
/// the answer (the example's first intake has no departure city).
@Suite("Planning /v1 answers", .serialized)
struct PlanningAnswerTests {
    @Test("the job asks, the answer resumes it until the booking approval; a job not asking is a 409")
    func answerResumes() async throws {
        let h = try await PlanningAPITests.Harness.make(plans: 0)
        let path = ServeEndToEndTests.repository.appendingPathComponent("examples/trip-planning/fixtures.yaml").path
        let fixtures = try LocatedDocument(parsing: SourceFile(path: path, text: String(contentsOfFile: path, encoding: .utf8))).value
        let asking = try #require(fixtures["openai"]?.arrayValue?.first?["content"]?.stringValue)
        h.fake.script(.openai, ([asking] + (try PlanningAcrossDaemonsTests.plannerAnswers())).map { .openAIContent($0) })
        try await h.app().test(.router) { client in
            let (_, started) = try await PlanningAPITests.send(client, .post, "/v1/plan", token: h.acme, body: PlanningAPITests.request)
            let id = try #require(started["job_id"]?.stringValue)
            var status: Value = .null
            for _ in 0..<100 where status["current_output"]?["question"] == nil {
                (_, status) = try await PlanningAPITests.send(client, .get, "/v1/status/\(id)", token: h.acme)
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(status["current_output"]?["question"]?["text"] == "From which city will you leave?", "\(status)")

            let (empty, _) = try await PlanningAPITests.send(
                client, .post, "/v1/jobs/\(id)/answer", token: h.acme, body: ["text": "  "])
            #expect(empty == .unprocessableContent)
            let (other, _) = try await PlanningAPITests.send(
                client, .post, "/v1/jobs/\(id)/answer", token: h.patagonia, body: ["text": "Buenos Aires"])
            #expect(other == .notFound)
            let (answered, body) = try await PlanningAPITests.send(
                client, .post, "/v1/jobs/\(id)/answer", token: h.acme, body: ["text": "From Buenos Aires"])
            #expect(answered == .accepted && body["delivered"] == true, "\(body)")

            for _ in 0..<200 where status["status"] != "waiting_approval" {
                (_, status) = try await PlanningAPITests.send(client, .get, "/v1/status/\(id)", token: h.acme)
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(status["status"] == "waiting_approval", "\(status)")
            let intakes = h.fake.chatRequests.prefix(2).map { PlanningProfilesTests.texts([$0]) }
            #expect(intakes.last?.contains("Answers to your questions: From Buenos Aires") == true)
            let (late, _) = try await PlanningAPITests.send(
                client, .post, "/v1/jobs/\(id)/answer", token: h.acme, body: ["text": "Madrid"])
            #expect(late == .conflict)
        }
    }
}
