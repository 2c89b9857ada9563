import FakeProviders
import FlowEngine
import Steps
import Testing

/// `openai.chat`'s `model_usage` timeline entry against the fake (which answers every call with
/// 42 prompt and 7 completion tokens and the model asked for), and the price table it costs with.
@Suite("openai.chat model usage")
struct OpenAIUsageTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var model: String
        var prices: ModelPrices = .defaults
        /// The expected cost; nil: no price.
        var cost: Double?
        var testDescription: String { model }
    }

    @Test("an answered call records model, tokens and cost from the price table", arguments: [
        // 42 × 0.15 / 1M + 7 × 0.60 / 1M
        Case(model: "gpt-4o-mini", cost: 0.0000105),
        // a dated snapshot takes its base name's price
        Case(model: "gpt-4o-mini-2024-07-18", cost: 0.0000105),
        // 42 × 2.50 / 1M + 7 × 10 / 1M
        Case(model: "gpt-4o", cost: 0.000175),
        Case(model: "gpt-4o-2024-08-06", cost: 0.000175),
        // a configured price replaces the default
        Case(model: "gpt-4o-mini", prices: ModelPrices.defaults.merging(
            ModelPrices(["gpt-4o-mini": ModelPrice(inputPerMillion: 1, outputPerMillion: 2)])), cost: 0.000056),
        // a snapshot's own entry wins over its base name's
        Case(model: "gpt-4o-2024-05-13", prices: ModelPrices.defaults.merging(
            ModelPrices(["gpt-4o-2024-05-13": ModelPrice(inputPerMillion: 5, outputPerMillion: 15)])), cost: 0.000315),
    ])
    func pricedCall(_ row: Case) async throws {
        let (entry, call) = try await Self.usageEntry(model: row.model, prices: row.prices)
        #expect(entry.kind == .modelUsage)
        #expect(entry.details["model"] == .string(row.model))
        #expect(entry.details["prompt_tokens"] == 42)
        #expect(entry.details["completion_tokens"] == 7)
        #expect(entry.details["total_tokens"] == 49)
        #expect(entry.details["cost"] == row.cost.map(Value.number))
        #expect(entry.details["currency"] == "USD")
        #expect(entry.details["reason"] == nil)
        #expect(entry.details["step"] == "openai.chat")
        #expect(entry.state == "intake")
        #expect(entry.callID == call)
        #expect(entry.frame == nil)
    }

    @Test("a model without a price records its tokens, a null cost and why", arguments: ["o3-mini", "gpt-4o-mini-fast"])
    func unpricedCall(_ model: String) async throws {
        let (entry, _) = try await Self.usageEntry(model: model, prices: .defaults)
        #expect(entry.details["model"] == .string(model))
        #expect(entry.details["total_tokens"] == 49)
        #expect(entry.details["cost"] == .null)
        #expect(entry.details["currency"] == "USD")
        #expect(entry.reason == "no price for model \(model)")
    }

    @Test("a call in a branch names its frame")
    func frame() async throws {
        let (entry, _) = try await Self.usageEntry(model: "gpt-4o", prices: .defaults, frame: "root/flights")
        #expect(entry.frame == "root/flights")
    }

    @Test("a failed call records no usage")
    func failedCall() async throws {
        let fake = FakeProviderServer()
        fake.script(.openai, [.openAIError(status: 500, type: "server_error", code: nil)])
        let step = OpenAIChatStep()
        let call = StepCall(arguments: ["model": "gpt-4o-mini", "messages": [["role": "user", "content": "Hi"]]])
        let context = TestSupport.context(fake)
        let outcome = await step.run(call, context: context)
        #expect(outcome.failure != nil)
        #expect(step.notes(for: outcome, call: call, context: context).isEmpty)
    }

    @Test("dated names fall back to their base name only", arguments: [
        ("gpt-4o-mini-2024-07-18", "gpt-4o-mini"), ("gpt-4o-2024-08-06", "gpt-4o"), ("o1-2024-12-17", "o1"),
        ("gpt-4o-mini", nil), ("gpt-4o-mini-2024-7-18", nil), ("gpt-4o-mini-fast", nil), ("2024-07-18", nil),
    ] as [(String, String?)])
    func baseNames(_ model: String, _ base: String?) {
        #expect(ModelPrices.baseName(model) == base)
    }

    @Test("costs carry no binary noise")
    func rounding() {
        let price = ModelPrice(inputPerMillion: 0.15, outputPerMillion: 0.60)
        #expect(price.cost(promptTokens: 9_782, completionTokens: 2_105) == 0.0027303)
        #expect(price.cost(promptTokens: 0, completionTokens: 0) == 0)
    }

    /// Calls the fake once with `model` and returns the call's only note and its call id.
    static func usageEntry(
        model: String, prices: ModelPrices, frame: String? = nil
    ) async throws -> (TimelineEntry, String) {
        let fake = FakeProviderServer()
        let step = OpenAIChatStep(prices: prices)
        let call = StepCall(arguments: ["model": .string(model), "messages": [["role": "user", "content": "Hi"]]])
        var context = TestSupport.context(fake)
        context.callID = "i-1/c3"
        context.state = "intake"
        context.frame = frame
        let outcome = await step.run(call, context: context)
        #expect(outcome.value?["model"] == .string(model))
        let notes = step.notes(for: outcome, call: call, context: context)
        #expect(notes.count == 1)
        return (try #require(notes.first), "i-1/c3")
    }
}
