import FlowEngine
import FlowRuntime
import Foundation
import Hummingbird
import HummingbirdTesting
import Prometheus
import Steps
import Testing

/// Circuit breakers in `/metrics` and `/health`, and the retention and breaker settings of the environment.
@Suite("Circuit breakers and retention in the daemon")
struct GuardsObservabilityTests {
    @Test("a circuit's changes of state reach /metrics (gauge per state, transitions counter) and /health")
    func circuitsObserved() async throws {
        let export = PrometheusExport(registry: PrometheusCollectorRegistry())
        let metrics = RuntimeMetrics(factory: PrometheusMetricsFactory(registry: export.registry))
        let breakers = CircuitBreakers(
            .init(standard: BreakerSettings(failures: 2, window: .seconds(30), openFor: .seconds(30))),
            clock: { DaemonFixtures.start },
            onTransition: { circuit, transition in metrics.circuit(circuit, transition: transition, state: transition.to) })
        for _ in 0..<2 {
            #expect(breakers.admit("twilio:acme") == .allowed)
            breakers.record("twilio:acme", .failed, probe: false)
        }
        let text = export.text
        #expect(text.contains(#"flow_circuit_state{circuit="twilio:acme",state="open"} 1"#), "\(text)")
        #expect(text.contains(#"flow_circuit_state{circuit="twilio:acme",state="closed"} 0"#), "\(text)")
        #expect(text.contains(#"flow_circuit_transitions_total{circuit="twilio:acme",from="closed",to="open"} 1"#), "\(text)")

        let router = Router()
        HealthRoutes.add(
            to: router, health: HealthReport(store: "sqlite", providers: [:], flows: []),
            circuits: { breakers.states })
        try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/health", method: .get) { response in
                #expect(response.status == .ok)
                let health = try JSONDecoder().decode(HealthReport.self, from: Data(buffer: response.body))
                #expect(health.circuits == ["twilio:acme": .open])
            }
        }
    }

    @Test("breaker and retention settings from the environment; off; bad values name the variable")
    func settings() throws {
        let layer = try DaemonConfiguration.environment([
            "FLOW_BREAKERS": "failures=3", "FLOW_BREAKERS_OPENAI": "open=2m", "FLOW_RETENTION": "instances=30d",
            "FLOW_RETENTION_INTERVAL": "10m",
        ])
        let configuration = DaemonConfiguration.resolve([layer], terminal: false)
        let breakers = try #require(configuration.breakers)
        #expect(breakers.settings(for: "twilio:acme") == BreakerSettings(failures: 3, window: .seconds(30), openFor: .seconds(30)))
        #expect(breakers.settings(for: "openai") == BreakerSettings(failures: 3, window: .seconds(30), openFor: .minutes(2)))
        #expect(configuration.retention.ages == ["instances": .days(30)])
        #expect(configuration.retention.interval == .minutes(10))

        let defaults = DaemonConfiguration.resolve([], terminal: false)
        #expect(defaults.breakers == CircuitBreakers.Configuration())
        #expect(defaults.retention == RetentionPolicy())
        let off = DaemonConfiguration.resolve([try DaemonConfiguration.environment(["FLOW_BREAKERS": "off"])], terminal: false)
        #expect(off.breakers == nil)

        for bad in [["FLOW_BREAKERS": "failures=none"], ["FLOW_BREAKERS_TWILIO": "open=-1s"], ["FLOW_RETENTION": "instances"],
                    ["FLOW_RETENTION_BATCH": "0"]] {
            #expect(throws: DaemonConfiguration.ConfigurationError.self, "\(bad)") {
                try DaemonConfiguration.environment(bad)
            }
        }
    }
}
