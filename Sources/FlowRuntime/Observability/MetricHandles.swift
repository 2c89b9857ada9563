import Metrics
import Synchronization

/// The swift-metrics objects of one `RuntimeMetrics`, made through its factory once per label and
/// dimensions and reused: the hot path (a transition, a step attempt) looks a handler up in a
/// dictionary instead of asking the backend's factory (which builds and registers it) every time.
final class MetricHandles: Sendable {
    /// A metric's identity: its label and dimensions in the order they were given.
    struct Key: Hashable, Sendable {
        var label: String
        var dimensions: [String]

        init(_ label: String, _ dimensions: [(String, String)]) {
            self.label = label
            self.dimensions = dimensions.flatMap { [$0.0, $0.1] }
        }
    }

    let factory: any MetricsFactory
    private let counters = Mutex<[Key: Counter]>([:])
    private let floatingCounters = Mutex<[Key: FloatingPointCounter]>([:])
    private let timers = Mutex<[Key: Metrics.Timer]>([:])
    private let recorders = Mutex<[Key: Recorder]>([:])
    private let gauges = Mutex<[Key: Gauge]>([:])

    init(factory: any MetricsFactory) {
        self.factory = factory
    }

    func counter(_ label: String, _ dimensions: [(String, String)] = []) -> Counter {
        let factory = factory
        return counters.withLock { made in
            Self.cached(&made, Key(label, dimensions)) { Counter(label: label, dimensions: dimensions, factory: factory) }
        }
    }

    func floatingPointCounter(_ label: String, _ dimensions: [(String, String)] = []) -> FloatingPointCounter {
        let factory = factory
        return floatingCounters.withLock { made in
            Self.cached(&made, Key(label, dimensions)) {
                FloatingPointCounter(label: label, dimensions: dimensions, factory: factory)
            }
        }
    }

    func timer(_ label: String, _ dimensions: [(String, String)] = []) -> Metrics.Timer {
        let factory = factory
        return timers.withLock { made in
            Self.cached(&made, Key(label, dimensions)) {
                Metrics.Timer(label: label, dimensions: dimensions, factory: factory)
            }
        }
    }

    func recorder(_ label: String, _ dimensions: [(String, String)] = []) -> Recorder {
        let factory = factory
        return recorders.withLock { made in
            Self.cached(&made, Key(label, dimensions)) { Recorder(label: label, dimensions: dimensions, factory: factory) }
        }
    }

    func gauge(_ label: String, _ dimensions: [(String, String)] = []) -> Gauge {
        let factory = factory
        return gauges.withLock { made in
            Self.cached(&made, Key(label, dimensions)) { Gauge(label: label, dimensions: dimensions, factory: factory) }
        }
    }

    private static func cached<Handle>(_ made: inout [Key: Handle], _ key: Key, _ make: () -> Handle) -> Handle {
        if let handle = made[key] { return handle }
        let handle = make()
        made[key] = handle
        return handle
    }
}
