import FakeProviders
import FlowEngine
import FlowRuntime
import Travel
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Prometheus
import Steps
import Synchronization
import Testing

/// Collects what a log handler writes.
final class LogLines: Sendable {
    private let lines = Mutex<[String]>([])
    var all: [String] { lines.withLock { $0 } }
    func append(_ line: String) { lines.withLock { $0.append(line) } }
}

/// A step that fails the way a provider does, to see it counted.
struct RejectingStep: Step {
    static let signature = StepSignature.twilioSendText
    func run(_ call: StepCall, context: StepContext) async -> StepOutcome {
        .failure(StepFailure(.permanent, code: "twilio.21211", message: "invalid number"))
    }
}

@Suite("Observability and configuration")
struct ObservabilityTests {
    @Test("JSON logs: one object per line with level, label, message and flow.* metadata")
    func jsonLogLines() throws {
        let lines = LogLines()
        var logger = Logger(label: "flow.worker") { label in
            JSONLogHandler(label: label) { lines.append($0) }
        }
        logger[metadataKey: "flow.instance"] = "i-1"
        logger.info("instance advanced", metadata: ["flow.name": "greet", "flow.tags": ["a", "b"]])
        logger.debug("not at info level")
        #expect(lines.all.count == 1)
        let line = try #require(lines.all.first)
        #expect(line.hasSuffix("\n") && !line.dropLast().contains("\n"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["level"] as? String == "info")
        #expect(object["label"] as? String == "flow.worker")
        #expect(object["message"] as? String == "instance advanced")
        #expect(object["flow.instance"] as? String == "i-1")
        #expect(object["flow.name"] as? String == "greet")
        #expect(object["flow.tags"] as? [String] == ["a", "b"])
        #expect((object["ts"] as? String).flatMap(Instant.init(iso8601:)) != nil)
    }

    @Test("metrics: step latency, provider errors, instances by status, schedule fires")
    func metricsExport() async throws {
        let export = PrometheusExport(registry: PrometheusCollectorRegistry())
        let metrics = RuntimeMetrics(factory: PrometheusMetricsFactory(registry: export.registry))
        let steps = StepRegistry([RejectingStep()]).metered(metrics)
        let fake = FakeProviderServer()
        let step = try #require(steps["twilio.send_text"])
        let outcome = await step.run(
            StepCall(arguments: ["to": "+1", "body": "x"], idempotencyKey: nil, attempt: 1),
            context: StepContext(transport: fake, now: DaemonFixtures.start, credentials: fake.credentials))
        #expect(outcome.failure?.code == "twilio.21211")
        metrics.instances([.waiting: 3, .succeeded: 1])
        metrics.scheduleFire(flow: "provider-health", outcome: "started")
        metrics.claimBatch(4)
        let text = export.text
        #expect(text.contains(#"flow_provider_errors_total{step="twilio.send_text",class="permanent",code="twilio.21211"} 1"#), "\(text)")
        #expect(text.contains(#"flow_step_seconds_count{step="twilio.send_text",outcome="error"} 1"#), "\(text)")
        #expect(text.contains(#"flow_instances{status="waiting"} 3"#))
        #expect(text.contains(#"flow_instances{status="failed"} 0"#))
        #expect(text.contains(#"flow_schedule_fires_total{flow="provider-health",outcome="started"} 1"#))
        #expect(text.contains("flow_claim_batch_size"))

        let router = Router()
        MetricsRoutes.add(to: router, export: export)
        try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains(#"flow_instances{status="waiting"} 3"#))
            }
        }
    }

    @Test("the instances gauge reads counts from the store")
    func instanceGauge() async throws {
        let store = try await DaemonFixtures.temporarySQLite()
        let registry = DaemonFixtures.registry()
        let starter = InstanceStarter(store: store, registry: registry)
        for n in 0..<2 {
            _ = try await starter.start(flow: "greet", input: ["phone": .string("+54911555500\(n)0")], agency: nil,
                                        idempotencyKey: nil, at: DaemonFixtures.start)
        }
        let export = PrometheusExport(registry: PrometheusCollectorRegistry())
        let metrics = RuntimeMetrics(factory: PrometheusMetricsFactory(registry: export.registry))
        try await InstanceStatusGauge(store: store, metrics: metrics).refresh()
        #expect(export.text.contains(#"flow_instances{status="running"} 2"#), "\(export.text)")
        try await store.close()
    }

    @Test("configuration: flags over environment over file over defaults", arguments: [
        (DaemonConfiguration.Layer(port: 9000), DaemonConfiguration.Layer(port: 9100), 9000, "env-db"),
        (DaemonConfiguration.Layer(), DaemonConfiguration.Layer(port: 9100), 9100, "env-db"),
        (DaemonConfiguration.Layer(), DaemonConfiguration.Layer(), 7000, "env-db"),
    ])
    func precedence(flags: DaemonConfiguration.Layer, environment: DaemonConfiguration.Layer, port: Int,
                    database: String) throws {
        var env = environment
        env.database = "env-db"
        let file = try DaemonConfiguration.file(SourceFile(path: "flow.yaml", text: """
            port: 7000
            database: file-db
            workflows: ./flows
            log_format: text
            """))
        let resolved = DaemonConfiguration.resolve([flags, env, file], terminal: false)
        #expect(resolved.port == port)
        #expect(resolved.database == database)
        #expect(resolved.workflows == "./flows")
        #expect(resolved.logFormat == .text)
        #expect(resolved.host == "0.0.0.0")
    }

    @Test("configuration defaults: JSON logs unless stdout is a terminal")
    func defaults() throws {
        let json = DaemonConfiguration.resolve([], terminal: false)
        #expect(json == DaemonConfiguration(port: 8080, host: "0.0.0.0", workflows: "./workflows", database: nil,
                                            logFormat: .json))
        #expect(DaemonConfiguration.resolve([], terminal: true).logFormat == .text)
        let env = try DaemonConfiguration.environment(["FLOW_PORT": "8181", "FLOW_LOG_FORMAT": "text", "FLOW_HOST": ""])
        #expect(env == DaemonConfiguration.Layer(port: 8181, logFormat: .text))
    }

    @Test("bad configuration says where and why", arguments: [
        ("port: 99999\n", "flow.yaml:1:7: port '99999' must be a number from 1 to 65535"),
        ("prot: 8080\n", "flow.yaml:1:7: unknown key 'prot'"),
        ("log_format: xml\n", "flow.yaml:1:13: log format 'xml' must be json or text"),
        ("- 1\n", "flow.yaml: the config file must be a mapping"),
    ])
    func badFile(text: String, message: String) {
        #expect {
            _ = try DaemonConfiguration.file(SourceFile(path: "flow.yaml", text: text))
        } throws: { error in
            "\(error)".hasPrefix(message)
        }
        #expect(throws: DaemonConfiguration.ConfigurationError.self) {
            _ = try DaemonConfiguration.environment(["FLOW_PORT": "eighty"])
        }
    }
}
