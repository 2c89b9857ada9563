import FakeProviders
import FlowEngine
import FlowRuntime
import Foundation
import Hummingbird
import HummingbirdTesting
import Steps
import Testing
import Travel

/// `usage` in `GET /v1/status/{job_id}`: the job's `model_usage` entries summed, through the real
/// daemon's router and worker (the planning API's harness), with OpenAI the fake.
@Suite("Planning /v1 usage", .serialized)
struct PlanningUsageTests {
    typealias P = PlanningAPITests

    /// An answer with `content` as if from `model`, reporting the given usage.
    static func answer(_ content: String, model: String, prompt: Int, completion: Int) -> FakeReply {
        let body: Value = [
            "id": "chatcmpl-usage", "object": "chat.completion", "created": 1_767_225_600, "model": .string(model),
            "choices": [["index": 0, "finish_reason": "stop",
                         "message": ["role": "assistant", "content": .string(content), "refusal": .null]]],
            "usage": ["prompt_tokens": .number(Double(prompt)), "completion_tokens": .number(Double(completion)),
                      "total_tokens": .number(Double(prompt + completion))],
        ]
        return .raw(HTTPResponseSpec(status: 200, headers: [("Content-Type", "application/json")], text: body.jsonText))
    }

    @Test("a job's five model calls summed by model: tokens, cost from the configured prices, the unpriced one counted")
    func statusSumsTheJobsCalls() async throws {
        let h = try await P.Harness.make(plans: 0)
        // intake (first) as a dated gpt-4o, the itinerary (last, after the parallel research) as an
        // unpriced model; the three research calls are the fake's default: the model asked for
        // (the flow's gpt-4o-mini), 42 prompt and 7 completion tokens.
        let answers = try PlanningAcrossDaemonsTests.plannerAnswers()
        h.fake.script(.openai, [
            Self.answer(answers[0], model: "gpt-4o-2024-08-06", prompt: 1_000, completion: 200),
            .openAIContent(answers[1]), .openAIContent(answers[2]), .openAIContent(answers[3]),
            Self.answer(answers[4], model: "o3-mini-2025-01-31", prompt: 100, completion: 50),
        ])
        // gpt-4o-mini at 1 and 2 USD per million instead of the defaults; gpt-4o keeps its default.
        let prices = ModelPrices.defaults.merging(
            ModelPrices(["gpt-4o-mini": ModelPrice(inputPerMillion: 1, outputPerMillion: 2)]))
        try await h.app(openaiPrices: prices).test(.router) { client in
            let (_, job) = try await P.send(client, .post, "/v1/plan/sync?timeout=60", token: h.acme, body: P.request)
            #expect(job["status"] == "waiting_approval", "\(job)")
            #expect(h.fake.chatRequests.count == 5)
            let id = try #require(job["job_id"]?.stringValue)
            let (status, polled) = try await P.send(client, .get, "/v1/status/\(id)", token: h.acme)
            #expect(status == .ok)
            let usage = try #require(polled["usage"])
            #expect(usage == job["usage"], "the sync answer and the status route differ")
            let mini: Value = [
                "calls": 3, "prompt_tokens": 126, "completion_tokens": 21, "total_tokens": 147,
                // 3 × (42 × 1 + 7 × 2) / 1M
                "cost_usd": 0.000168, "unpriced_calls": 0,
            ]
            let dated: Value = [
                "calls": 1, "prompt_tokens": 1_000, "completion_tokens": 200, "total_tokens": 1_200,
                // 1000 × 2.50 / 1M + 200 × 10 / 1M, the price of gpt-4o
                "cost_usd": 0.0045, "unpriced_calls": 0,
            ]
            let unpriced: Value = [
                "calls": 1, "prompt_tokens": 100, "completion_tokens": 50, "total_tokens": 150, "cost_usd": 0,
                "unpriced_calls": 1,
            ]
            #expect(usage["by_model"] == [
                "gpt-4o-mini": mini, "gpt-4o-2024-08-06": dated, "o3-mini-2025-01-31": unpriced,
            ], "\(usage)")
            #expect(usage["calls"] == 5)
            #expect(usage["prompt_tokens"] == 1_226)
            #expect(usage["completion_tokens"] == 271)
            #expect(usage["total_tokens"] == 1_497)
            #expect(usage["cost_usd"] == 0.004668)
            #expect(usage["unpriced_calls"] == 1)

            let (_, list) = try await P.send(client, .get, "/v1/jobs/u-42", token: h.acme)
            #expect(list["jobs"]?.arrayValue?.first?["usage"] == nil, "the job list carries no usage")
        }
    }

    @Test("a job with no model call answered yet has zeros and no models")
    func noCallsYet() {
        let usage = ModelUsageTotals([]).json
        #expect(usage == [
            "calls": 0, "prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0, "cost_usd": 0,
            "unpriced_calls": 0, "by_model": [:],
        ])
    }
}
