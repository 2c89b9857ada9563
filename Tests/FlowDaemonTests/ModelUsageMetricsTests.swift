import FakeProviders
import FlowEngine
import FlowRuntime
import Foundation
import Hummingbird
import HummingbirdTesting
import Prometheus
import Steps
import Testing

/// `flow_llm_tokens_total` and `flow_llm_cost_usd_total`: a flow's `openai.chat` calls run by the
/// executor over the daemon's metered step registry, against the fake OpenAI (42 prompt and 7
/// completion tokens per call, the model asked for).
@Suite("Model usage metrics")
struct ModelUsageMetricsTests {
    static let flow = """
        flow: ask-twice
        version: 1

        """ + states

    /// Two calls: a priced model, then one without a price.
    static let states = """
        start: ask
        states:
          ask:
            step: openai.chat
            with:
              model: gpt-4o-mini
              messages: [{ role: user, content: Hi }]
            timeout: 30s
            catch:
              - { errors: [transient, permanent, timeout, invalid_response], next: failed }
            next: ask_again
          ask_again:
            step: openai.chat
            with:
              model: o3-mini
              messages: [{ role: user, content: Again }]
            timeout: 30s
            catch:
              - { errors: [transient, permanent, timeout, invalid_response], next: failed }
            next: done
          done: { succeed: {} }
          failed: { fail: { error: permanent, message: no answer } }

        """

    @Test("each answered call counts its tokens by kind and its cost, once; an unpriced model counts no cost")
    func countersPerCall() async throws {
        let (loaded, diagnostics) = FlowLoader.load(SourceFile(path: "ask-twice.yaml", text: Self.flow))
        let flow = try #require(loaded, "\(diagnostics)")
        let export = PrometheusExport(registry: PrometheusCollectorRegistry())
        let metrics = RuntimeMetrics(factory: PrometheusMetricsFactory(registry: export.registry))
        let fake = FakeProviderServer()
        let store = InMemoryFlowStore()
        let executor = Executor(
            interpreter: Interpreter(flow: flow), store: store, steps: StepRegistry.providers().metered(metrics),
            transport: fake, credentials: fake.credentials, endpoints: .local("http://fake.local"))
        for id in ["i-1", "i-2"] {
            let state = try await executor.start(
                instanceID: id, input: [:], settings: [:], agency: nil, idempotencyKey: nil, at: DaemonFixtures.start)
            #expect(state.status == .succeeded, "\(state.failure.map { "\($0)" } ?? "")")
        }
        #expect(fake.chatRequests.count == 4)

        // The timeline: one entry per call, naming its state, the second without a price.
        let history = try await store.history(instanceID: "i-1", after: 0)
        let usage = history.filter { $0.kind == .modelUsage }
        #expect(usage.map(\.entry.state) == ["ask", "ask_again"])
        #expect(usage.map { $0.details["model"] } == ["gpt-4o-mini", "o3-mini"])
        #expect(usage.map { $0.details["cost"] } == [0.0000105, .null])
        #expect(usage.map(\.entry.reason) == [nil, "no price for model o3-mini"])
        let called = history.filter { $0.kind == .stepCalled }.map(\.entry.callID)
        #expect(usage.map(\.entry.callID) == called)

        // Two instances of two calls each.
        let text = export.text
        for (model, kind, tokens) in [
            ("gpt-4o-mini", "prompt", 84), ("gpt-4o-mini", "completion", 14), ("o3-mini", "prompt", 84),
            ("o3-mini", "completion", 14),
        ] {
            let line = #"flow_llm_tokens_total{flow="ask-twice",model="\#(model)",kind="\#(kind)"} \#(tokens)"#
            #expect(text.contains(line), "missing \(line) in \(text)")
        }
        #expect(Self.value(of: #"flow_llm_cost_usd_total{flow="ask-twice",model="gpt-4o-mini"}"#, in: text) == 0.000021)
        #expect(!text.contains(#"flow_llm_cost_usd_total{flow="ask-twice",model="o3-mini"}"#))

        // Reading the timeline again (a status, a stream, a dry-run report) counts nothing.
        _ = ModelUsageTotals(try await store.history(instanceID: "i-2", after: 0)).json
        #expect(export.text == text)

        // And `/metrics` serves them.
        let router = Router()
        MetricsRoutes.add(to: router, export: export)
        try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                let body = String(buffer: response.body)
                #expect(body.contains(#"flow_llm_tokens_total{flow="ask-twice",model="gpt-4o-mini",kind="prompt"} 84"#))
                #expect(body.contains(#"flow_llm_cost_usd_total{flow="ask-twice",model="gpt-4o-mini"}"#))
            }
        }
    }

    @Test("the job totals of those entries")
    func totals() async throws {
        let timeline: [TimelineEntry] = [
            .modelUsage(state: "ask", step: "openai.chat", callID: "c1", model: "gpt-4o-mini", promptTokens: 42,
                        completionTokens: 7, totalTokens: 49, cost: 0.0000105),
            .modelUsage(state: "ask", step: "openai.chat", callID: "c2", model: "gpt-4o-mini", promptTokens: 42,
                        completionTokens: 7, totalTokens: 49, cost: 0.0000105),
            .modelUsage(state: "again", step: "openai.chat", callID: "c3", model: "o3-mini", promptTokens: 10,
                        completionTokens: 5, totalTokens: 15, cost: nil, reason: "no price for model o3-mini"),
            .stepSucceeded(state: "ask", step: "openai.chat", attempt: 1, output: ["usage": ["total_tokens": 49]]),
        ]
        let totals = ModelUsageTotals(timeline.map { HistoryEntry(at: DaemonFixtures.start, $0) })
        #expect(totals.total.calls == 3)
        #expect(totals.total.promptTokens == 94)
        #expect(totals.total.completionTokens == 19)
        #expect(totals.total.totalTokens == 113)
        #expect(totals.total.costUSD == 0.000021)
        #expect(totals.total.unpricedCalls == 1)
        #expect(totals.json["by_model"]?["o3-mini"] == [
            "calls": 1, "prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15, "cost_usd": 0,
            "unpriced_calls": 1,
        ])
    }

    /// The sample value of the series `series` in a Prometheus text exposition.
    static func value(of series: String, in text: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix(series + " ") }
            .flatMap { Double($0.dropFirst(series.count + 1)) }
    }
}
