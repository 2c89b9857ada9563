public import FlowEngine
import Metrics

/// The daemon's metrics through swift-metrics (exported by the Prometheus backend):
/// transitions, step latency, timer lateness, claim batch size.
public struct RuntimeMetrics: Sendable {
    public init() {}

    /// One claim; `size` instances were leased.
    public func claimBatch(_ size: Int) {
        Recorder(label: "flow_claim_batch_size").record(size)
    }

    /// One run of a claimed instance from status `from` to `to`.
    public func transition(flow: String, from: String, to: String, duration: Duration) {
        Counter(label: "flow_transitions_total", dimensions: [("flow", flow), ("to", to)]).increment()
        Metrics.Timer(label: "flow_instance_run_seconds", dimensions: [("flow", flow)]).record(duration: duration)
    }

    /// How late a due timer was handled.
    public func timerLateness(_ lateness: TimeSpan) {
        Metrics.Timer(label: "flow_timer_lateness_seconds").recordMilliseconds(max(0, lateness.milliseconds))
    }
}
