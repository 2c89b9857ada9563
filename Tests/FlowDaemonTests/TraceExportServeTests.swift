import FakeProviders
import FlowEngine
import FlowRuntime
import Foundation
import Steps
import Testing
import Travel

/// `flowctl serve` with OpenTelemetry traces: with `OTEL_EXPORTER_OTLP_ENDPOINT` naming a local
/// collector, an instance's run and its two `openai.chat` attempts (against the fake OpenAI)
/// arrive as spans over OTLP/HTTP; without it, serve says traces are off and sends nothing.
@Suite("OpenTelemetry traces under flowctl serve", .serialized)
struct TraceExportServeTests {
    typealias E = ServeEndToEndTests

    /// A daemon over `ModelUsageServeTests.flow` with `traces` extra variables; returns what the
    /// test needs to drive it.
    struct Daemon {
        let serve: Process
        let url: String
        let database: String
        let token: String
        let log: URL
        let directory: URL
        var logText: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }
    }

    static func startDaemon(fakeURL: String, configuration: FakeProviderServer.Configuration,
                            traces: [String: String]) async throws -> Daemon {
        let flowctl = URL(fileURLWithPath: try DaemonProcess.flowctlPath())
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("otel-e2e-\(UUID().uuidString)")
        let workflows = directory.appendingPathComponent("workflows")
        try FileManager.default.createDirectory(at: workflows, withIntermediateDirectories: true)
        try ModelUsageServeTests.flow.write(
            to: workflows.appendingPathComponent("ask-twice.yaml"), atomically: true, encoding: .utf8)
        let database = directory.appendingPathComponent("flow.sqlite").path
        let keys = try await SQLiteFlowStore.open(.file(path: database), adding: TravelSchema.schema)
        let key = try await APIKeys.create(
            in: keys, name: "acme-ops", agency: "acme", admin: false, at: InstanceWorker<SQLiteFlowStore>.wallClock())
        try await keys.close()

        let port = try LoopbackPort.free()
        let url = "http://127.0.0.1:\(port)"
        // No OTEL_* from the test's own environment: only what the test sets.
        var environment = E.daemonEnvironment(configuration, fakeURL: fakeURL, daemonURL: url)
            .filter { !$0.key.hasPrefix("OTEL_") }
        environment["FLOW_LOG_FORMAT"] = "text"
        environment.merge(traces) { $1 }
        let log = directory.appendingPathComponent("serve.log")
        let serve = try E.serveProcess(
            flowctl, port: port, workflows: workflows, database: database, environment: environment, log: log)
        try serve.run()
        return Daemon(serve: serve, url: url, database: database, token: key.token, log: log, directory: directory)
    }

    /// Starts `ask-twice` by its event and waits until the instance succeeded.
    static func runFlow(_ daemon: Daemon) async throws {
        let healthy = await E.answersHealth(daemon.url)
        try #require(healthy, "serve did not answer /health:\n\(daemon.logText)")
        let event = try await AsyncHTTPClientTransport().send(
            HTTPRequestSpec(method: .post, url: daemon.url + "/events/ask.requested",
                            headers: [("Content-Type", "application/json"),
                                      ("Authorization", "Bearer \(daemon.token)")],
                            body: Array(#"{"id": "q-1"}"#.utf8)),
            timeout: .seconds(30))
        #expect(event.status == 200, "\(String(decoding: event.body, as: UTF8.self))\n\(daemon.logText)")
        let finished = await E.eventually(60) {
            ((try? await E.query(daemon.database, "SELECT status FROM flow_instances")) ?? []) == ["succeeded"]
        }
        try #require(finished, "\(daemon.logText)")
    }

    @Test("OTEL_EXPORTER_OTLP_ENDPOINT set: the instance run and each step attempt arrive as spans")
    func spansExported() async throws {
        let collector = OTLPCollector()
        let collectorURL = try await collector.start()
        let configuration = FakeProviderServer.Configuration()
        let fake = FakeProviderServer(configuration: configuration)
        let fakeURL = try await fake.start()
        let daemon = try await Self.startDaemon(fakeURL: fakeURL, configuration: configuration, traces: [
            "OTEL_EXPORTER_OTLP_ENDPOINT": collectorURL,
            // A collector's key must never reach the log; a short batch delay (ms) for the test.
            "OTEL_EXPORTER_OTLP_HEADERS": "authorization=Bearer%20otel-secret-123",
            "OTEL_BSP_SCHEDULE_DELAY": "100",
        ])
        defer {
            if daemon.serve.isRunning { daemon.serve.terminate() }
            try? FileManager.default.removeItem(at: daemon.directory)
            Task { await fake.stop(); await collector.stop() }
        }
        try await Self.runFlow(daemon)

        let names = ["flow.instance ask-twice", "step openai.chat"]
        let exported = await E.eventually(30) { names.allSatisfy { collector.text.contains($0) } }
        #expect(exported, "collector got \(collector.exports.count) exports:\n\(collector.text)\n\(daemon.logText)")
        let text = collector.text
        for attribute in [
            "flow.name", "ask-twice", "flow.instance", "flow.hash", "flow.version", "flow.agency", "acme",
            "flow.status", "succeeded", "flow.step", "flow.attempt", "flow.state", "ask", "ask_again",
            "gen_ai.response.model", "gpt-4o-mini", "o3-mini",
            "gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens",
        ] {
            #expect(text.contains(attribute), "missing \(attribute)")
        }
        // The fake's API key never travels in a span.
        #expect(!text.contains(configuration.openaiKey))

        let log = daemon.logText
        #expect(log.contains("traces exported"), "\(log)")
        #expect(log.contains("\(collectorURL)/v1/traces"), "\(log)")
        #expect(!log.contains("otel-secret-123"), "\(log)")
        daemon.serve.terminate()
        let stopped = await E.eventually(60) { !daemon.serve.isRunning }
        #expect(stopped)
        #expect(daemon.serve.terminationStatus == 0, "\(daemon.logText)")
    }

    @Test("OTEL_EXPORTER_OTLP_PROTOCOL=http/json: each step span is a child of its instance run's span")
    func stepSpansAreChildren() async throws {
        let collector = OTLPCollector()
        let collectorURL = try await collector.start()
        let configuration = FakeProviderServer.Configuration()
        let fake = FakeProviderServer(configuration: configuration)
        let fakeURL = try await fake.start()
        let daemon = try await Self.startDaemon(fakeURL: fakeURL, configuration: configuration, traces: [
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": collectorURL + "/v1/traces",
            "OTEL_EXPORTER_OTLP_PROTOCOL": "http/json",
            "OTEL_BSP_SCHEDULE_DELAY": "100",
        ])
        defer {
            if daemon.serve.isRunning { daemon.serve.terminate() }
            try? FileManager.default.removeItem(at: daemon.directory)
            Task { await fake.stop(); await collector.stop() }
        }
        try await Self.runFlow(daemon)
        let exported = await E.eventually(30) {
            let spans = Self.spans(collector.exports)
            return spans.filter { $0.name == "step openai.chat" }.count == 2
                && spans.contains { $0.name == "flow.instance ask-twice" }
        }
        #expect(exported, "\(collector.text)\n\(daemon.logText)")
        let spans = Self.spans(collector.exports)
        let runs = spans.filter { $0.name == "flow.instance ask-twice" }
        let steps = spans.filter { $0.name == "step openai.chat" }
        for step in steps {
            #expect(!step.parentSpanID.isEmpty && !step.traceID.isEmpty, "\(step)")
            let parent = runs.first { $0.spanID == step.parentSpanID }
            #expect(parent != nil, "step span \(step) has no instance-run parent among \(runs)")
            #expect(parent?.traceID == step.traceID)
            #expect(step.attributes["flow.step"] == "openai.chat")
            #expect(step.attributes["flow.instance"] == parent?.attributes["flow.instance"])
        }
        #expect(Set(steps.compactMap { $0.attributes["flow.state"] }) == ["ask", "ask_again"])
        #expect(runs.contains { $0.attributes["flow.status"] == "succeeded" }, "\(runs)")
        #expect(daemon.logText.contains("http/json"), "\(daemon.logText)")
    }

    /// One span of an OTLP/JSON export: its ids and string attributes.
    struct ExportedSpan: CustomStringConvertible {
        var name: String
        var traceID: String
        var spanID: String
        var parentSpanID: String
        var attributes: [String: String]
        var description: String { "\(name) \(spanID)←\(parentSpanID) \(attributes)" }
    }

    /// The spans of OTLP/JSON export bodies (`resourceSpans[].scopeSpans[].spans[]`).
    static func spans(_ bodies: [[UInt8]]) -> [ExportedSpan] {
        var result: [ExportedSpan] = []
        for body in bodies {
            guard let root = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else { continue }
            for resource in root["resourceSpans"] as? [[String: Any]] ?? [] {
                for scope in resource["scopeSpans"] as? [[String: Any]] ?? [] {
                    for span in scope["spans"] as? [[String: Any]] ?? [] {
                        var attributes: [String: String] = [:]
                        for attribute in span["attributes"] as? [[String: Any]] ?? [] {
                            guard let key = attribute["key"] as? String,
                                  let value = attribute["value"] as? [String: Any] else { continue }
                            attributes[key] = (value["stringValue"] as? String) ?? (value["intValue"]).map { "\($0)" }
                        }
                        result.append(ExportedSpan(
                            name: span["name"] as? String ?? "", traceID: span["traceId"] as? String ?? "",
                            spanID: span["spanId"] as? String ?? "",
                            parentSpanID: span["parentSpanId"] as? String ?? "",
                            attributes: attributes))
                    }
                }
            }
        }
        return result
    }

    @Test("no OTLP endpoint: serve says traces are off and runs flows as before")
    func tracesOffByDefault() async throws {
        let configuration = FakeProviderServer.Configuration()
        let fake = FakeProviderServer(configuration: configuration)
        let fakeURL = try await fake.start()
        let daemon = try await Self.startDaemon(fakeURL: fakeURL, configuration: configuration, traces: [:])
        defer {
            if daemon.serve.isRunning { daemon.serve.terminate() }
            try? FileManager.default.removeItem(at: daemon.directory)
            Task { await fake.stop() }
        }
        try await Self.runFlow(daemon)
        let log = daemon.logText
        #expect(log.contains("traces off"), "\(log)")
        #expect(!log.contains("traces exported"), "\(log)")
        daemon.serve.terminate()
        _ = await E.eventually(60) { !daemon.serve.isRunning }
    }

    @Test("the configured endpoint, as the start-up log shows it", arguments: [
        ([:], nil),
        (["OTEL_EXPORTER_OTLP_ENDPOINT": ""], nil),
        (["OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"], "http://collector:4318/v1/traces"),
        (["OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318/"], "http://collector:4318/v1/traces"),
        (["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "https://u:secret@c.example/t?token=x",
          "OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"], "https://c.example/t"),
        (["OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318", "OTEL_SDK_DISABLED": "true"], nil),
        (["OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318", "OTEL_TRACES_EXPORTER": "none"], nil),
    ] as [([String: String], String?)])
    func configuredEndpoint(variables: [String: String], expected: String?) {
        #expect(TraceExport.configuredEndpoint(variables) == expected)
    }

    @Test("the wire protocol: OTLP/HTTP protobuf or JSON; gRPC is refused before swift-otel sees it", arguments: [
        ([:], "http/protobuf"),
        (["OTEL_EXPORTER_OTLP_PROTOCOL": ""], "http/protobuf"),
        (["OTEL_EXPORTER_OTLP_PROTOCOL": "http/json"], "http/json"),
        (["OTEL_EXPORTER_OTLP_PROTOCOL": "http/json", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "http/protobuf"],
         "http/protobuf"),
        (["OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"], nil),
        (["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "grpc", "OTEL_EXPORTER_OTLP_PROTOCOL": "http/json"], nil),
    ] as [([String: String], String?)])
    func wireProtocol(variables: [String: String], expected: String?) {
        #expect((try? TraceExport.wireProtocol(variables)) == expected)
    }

    @Test("OTEL_EXPORTER_OTLP_PROTOCOL=grpc: serve refuses to start, naming the variable (no crash)")
    func grpcRefused() async throws {
        let daemon = try await Self.startDaemon(
            fakeURL: "http://127.0.0.1:9", configuration: FakeProviderServer.Configuration(), traces: [
                "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:9", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc",
            ])
        defer {
            if daemon.serve.isRunning { daemon.serve.terminate() }
            try? FileManager.default.removeItem(at: daemon.directory)
        }
        let exited = await E.eventually(30) { !daemon.serve.isRunning }
        try #require(exited, "\(daemon.logText)")
        #expect(daemon.serve.terminationReason == .exit)
        #expect(daemon.serve.terminationStatus == 64, "\(daemon.logText)")
        #expect(daemon.logText.contains("OTEL_EXPORTER_OTLP_PROTOCOL: protocol 'grpc'"), "\(daemon.logText)")
    }
}
