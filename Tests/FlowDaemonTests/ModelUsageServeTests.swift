import FakeProviders
import FlowEngine
import FlowRuntime
import Foundation
import Steps
import Testing
import Travel

/// `flowctl serve` with OpenAI the fake over loopback and a price set by `FLOW_OPENAI_PRICES`: an
/// instance's two `openai.chat` calls land in its timeline with their cost, and `/metrics` (admin
/// key) counts their tokens and cost under the flow's name.
@Suite("model usage under flowctl serve", .serialized)
struct ModelUsageServeTests {
    typealias E = ServeEndToEndTests

    /// `ModelUsageMetricsTests.flow`, started by an event.
    static let flow = """
        flow: ask-twice
        version: 1
        triggers:
          - event: ask.requested
            key: ${{ input.id }}
        input:
          id: { type: string, required: true }

        """ + ModelUsageMetricsTests.states

    @Test("FLOW_OPENAI_PRICES prices the calls; the timeline and /metrics agree")
    func pricedCallsCounted() async throws {
        let flowctl = URL(fileURLWithPath: try DaemonProcess.flowctlPath())
        let configuration = FakeProviderServer.Configuration()
        let fake = FakeProviderServer(configuration: configuration)
        let fakeURL = try await fake.start()
        defer { Task { await fake.stop() } }

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("usage-e2e-\(UUID().uuidString)")
        let workflows = directory.appendingPathComponent("workflows")
        try FileManager.default.createDirectory(at: workflows, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try Self.flow.write(to: workflows.appendingPathComponent("ask-twice.yaml"), atomically: true, encoding: .utf8)
        let database = directory.appendingPathComponent("flow.sqlite").path

        let keys = try await SQLiteFlowStore.open(.file(path: database), adding: TravelSchema.schema)
        let now = InstanceWorker<SQLiteFlowStore>.wallClock()
        let agency = try await APIKeys.create(in: keys, name: "acme-ops", agency: "acme", admin: false, at: now)
        let admin = try await APIKeys.create(in: keys, name: "scraper", agency: nil, admin: true, at: now)
        try await keys.close()

        let port = try LoopbackPort.free()
        let daemonURL = "http://127.0.0.1:\(port)"
        var environment = E.daemonEnvironment(configuration, fakeURL: fakeURL, daemonURL: daemonURL)
        // gpt-4o-mini at 1 and 2 USD per million tokens; o3-mini keeps no price.
        environment["FLOW_OPENAI_PRICES"] = #"{"gpt-4o-mini": {"input_per_million": 1, "output_per_million": 2}}"#
        let log = directory.appendingPathComponent("serve.log")
        let serve = try E.serveProcess(
            flowctl, port: port, workflows: workflows, database: database, environment: environment, log: log)
        try serve.run()
        defer { if serve.isRunning { serve.terminate() } }
        func serveLog() -> String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }
        let healthy = await E.answersHealth(daemonURL)
        try #require(healthy, "serve did not answer /health:\n\(serveLog())")

        let event = try await AsyncHTTPClientTransport().send(
            HTTPRequestSpec(method: .post, url: daemonURL + "/events/ask.requested",
                            headers: [("Content-Type", "application/json"), ("Authorization", "Bearer \(agency.token)")],
                            body: Array(#"{"id": "q-1"}"#.utf8)),
            timeout: .seconds(30))
        #expect(event.status == 200, "\(String(decoding: event.body, as: UTF8.self))\n\(serveLog())")
        let finished = await E.eventually(60) {
            ((try? await E.query(database, "SELECT status FROM flow_instances")) ?? []) == ["succeeded"]
        }
        try #require(finished, "\(serveLog())")

        let rows = try await E.query(
            database, "SELECT details FROM instance_events WHERE kind = 'model_usage' ORDER BY seq")
        let entries = try rows.map { try JSONDecoder().decode(Value.self, from: Data($0.utf8)) }
        #expect(entries.map { $0["model"] } == ["gpt-4o-mini", "o3-mini"], "\(rows)")
        // 42 × 1 / 1M + 7 × 2 / 1M
        #expect(entries.map { $0["cost"] } == [0.000056, .null], "\(rows)")
        #expect(entries.map { $0["state"] } == ["ask", "ask_again"])

        let metrics = try await AsyncHTTPClientTransport().send(
            HTTPRequestSpec(
                method: .get, url: daemonURL + "/metrics", headers: [("Authorization", "Bearer \(admin.token)")]),
            timeout: .seconds(10))
        #expect(metrics.status == 200)
        let text = String(decoding: metrics.body, as: UTF8.self)
        for line in [
            #"flow_llm_tokens_total{flow="ask-twice",model="gpt-4o-mini",kind="prompt"} 42"#,
            #"flow_llm_tokens_total{flow="ask-twice",model="gpt-4o-mini",kind="completion"} 7"#,
            #"flow_llm_tokens_total{flow="ask-twice",model="o3-mini",kind="prompt"} 42"#,
        ] {
            #expect(text.contains(line), "missing \(line) in\n\(text)")
        }
        let series = #"flow_llm_cost_usd_total{flow="ask-twice",model="gpt-4o-mini"}"#
        let cost = ModelUsageMetricsTests.value(of: series, in: text)
        #expect(cost == 0.000056, "\(text)")
        #expect(!text.contains(#"flow_llm_cost_usd_total{flow="ask-twice",model="o3-mini"}"#))
        serve.terminate()
        _ = await E.eventually(60) { !serve.isRunning }
    }
}
