import Foundation
public import Logging
import OTel
public import ServiceLifecycle
import Tracing

/// OpenTelemetry traces over OTLP/HTTP: a span per instance run and per step attempt
/// (`TraceSpans`), exported to the collector the standard OpenTelemetry variables name. Off unless
/// `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` or `OTEL_EXPORTER_OTLP_ENDPOINT` is set: then nothing is
/// bootstrapped, the spans are swift-distributed-tracing's no-ops and no exporter runs.
///
/// Only traces: swift-log and Prometheus stay as they are. The other `OTEL_*` variables of the
/// specification apply (`OTEL_SERVICE_NAME`, `OTEL_EXPORTER_OTLP_HEADERS`,
/// `OTEL_EXPORTER_OTLP_PROTOCOL` `http/protobuf` or `http/json`, `OTEL_BSP_SCHEDULE_DELAY`,
/// `OTEL_TRACES_SAMPLER`, …); `OTEL_SDK_DISABLED=true` or `OTEL_TRACES_EXPORTER=none` turn it off.
public struct TraceExport: Sendable {
    /// Where spans go (the traces URL, without credentials or query).
    public let endpoint: String
    /// `http/protobuf` or `http/json`.
    public let wireProtocol: String
    /// The exporter's background work (batching, sending, the final flush); run it in the
    /// daemon's service group, before the services that make spans.
    public let service: any Service

    /// The collector the variables configure, or nil when traces are off.
    public static func configuredEndpoint(_ variables: [String: String]) -> String? {
        func nonEmpty(_ name: String) -> String? { variables[name].flatMap { $0.isEmpty ? nil : $0 } }
        if nonEmpty("OTEL_SDK_DISABLED")?.lowercased() == "true" { return nil }
        if let exporter = nonEmpty("OTEL_TRACES_EXPORTER"), exporter.lowercased() == "none" { return nil }
        if let traces = nonEmpty("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") { return redacted(traces) }
        guard let base = nonEmpty("OTEL_EXPORTER_OTLP_ENDPOINT") else { return nil }
        return redacted(base.hasSuffix("/") ? base + "v1/traces" : base + "/v1/traces")
    }

    /// A traces setting the exporter cannot use (a protocol other than OTLP/HTTP's).
    public struct ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL`, else `OTEL_EXPORTER_OTLP_PROTOCOL`, else
    /// `http/protobuf`; only `http/protobuf` and `http/json` are built in (no gRPC: swift-otel
    /// would stop the process), so another value is an error naming the variable.
    public static func wireProtocol(_ variables: [String: String]) throws(ConfigurationError) -> String {
        for name in ["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL"] {
            guard let value = variables[name], !value.isEmpty else { continue }
            guard ["http/protobuf", "http/json"].contains(value) else {
                throw ConfigurationError(message: "\(name): protocol '\(value)' must be http/protobuf or http/json")
            }
            return value
        }
        return "http/protobuf"
    }

    /// A URL without user, password or query (where credentials could hide), for the start-up log.
    static func redacted(_ url: String) -> String {
        guard var components = URLComponents(string: url) else { return "(unparseable URL)" }
        components.user = nil
        components.password = nil
        components.query = nil
        components.fragment = nil
        return components.string ?? "(unparseable URL)"
    }

    /// Bootstraps swift-distributed-tracing with swift-otel's OTLP/HTTP tracer when `variables`
    /// name a collector (once per process: the instrumentation system refuses a second bootstrap);
    /// nil, and nothing bootstrapped, when traces are off. swift-otel reads the `OTEL_*` variables
    /// from the process environment, which `variables` should be.
    public static func bootstrap(_ variables: [String: String], logger: Logger) throws -> TraceExport? {
        guard let endpoint = configuredEndpoint(variables) else { return nil }
        let wire = try wireProtocol(variables)
        var configuration = OTel.Configuration.default
        configuration.serviceName = "flow"
        configuration.logs.enabled = false
        configuration.metrics.enabled = false
        configuration.traces.enabled = true
        configuration.traces.exporter = .otlp
        configuration.traces.otlpExporter.protocol = .httpProtobuf
        configuration.diagnosticLogger = .custom(logger)
        configuration.diagnosticLogLevel = .warning
        let backend = try OTel.makeTracingBackend(configuration: configuration)
        InstrumentationSystem.bootstrap(backend.factory)
        return TraceExport(endpoint: endpoint, wireProtocol: wire, service: backend.service)
    }
}
