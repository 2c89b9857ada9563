public import Hummingbird
public import Metrics
public import Prometheus

/// The Prometheus backend of the daemon's swift-metrics.
public struct PrometheusExport: Sendable {
    public let registry: PrometheusCollectorRegistry

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
    }

    /// Bootstraps swift-metrics with a `PrometheusMetricsFactory` over a new registry. Once per
    /// process (swift-metrics refuses a second bootstrap).
    public static func bootstrap() -> PrometheusExport {
        let export = PrometheusExport()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: export.registry))
        return export
    }

    /// A swift-metrics factory writing into this registry.
    public var factory: any MetricsFactory { PrometheusMetricsFactory(registry: registry) }

    /// The text exposition format.
    public var text: String { registry.emitToString() }
}

/// `GET /metrics`: the Prometheus text exposition of the daemon's registry.
public enum MetricsRoutes {
    public static func add<Context: RequestContext>(to router: Router<Context>, export: PrometheusExport) {
        router.get("metrics") { _, _ -> Response in
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return Response(
                status: .ok, headers: headers,
                body: .init(byteBuffer: ByteBuffer(bytes: export.registry.emitToBuffer())))
        }
    }
}
