public import Logging
public import ServiceLifecycle

/// Refreshes the `flow_instances{status}` gauge from the store every `interval` until shutdown.
public struct InstanceStatusGauge<Store: FlowStore>: Service {
    public let store: Store
    public let metrics: RuntimeMetrics
    public let interval: Duration
    public let logger: Logger

    public init(store: Store, metrics: RuntimeMetrics, interval: Duration = .seconds(15),
                logger: Logger = Logger(label: "flow.metrics")) {
        self.store = store
        self.metrics = metrics
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try await refresh()
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }

    /// Reads the counts once and sets the gauge; a store failure is logged, not thrown.
    public func refresh() async throws {
        do {
            metrics.instances(try await store.instanceCounts(flow: nil))
        } catch {
            logger.warning("cannot count instances", metadata: ["flow.error": "\(error)"])
        }
    }
}
