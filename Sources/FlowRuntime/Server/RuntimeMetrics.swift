public import FlowEngine
public import Metrics
public import Steps

/// The daemon's metrics through swift-metrics (exported by the Prometheus backend at `/metrics`):
/// instances by status, transitions, step latency, provider errors, timer lateness, claim batch
/// size, schedule fires.
public struct RuntimeMetrics: Sendable {
    /// Where the metrics go: the bootstrapped backend by default.
    public let factory: any MetricsFactory

    /// Metrics through `factory`; by default the one `MetricsSystem` was bootstrapped with.
    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        self.factory = factory
    }

    /// One claim; `size` instances were leased.
    public func claimBatch(_ size: Int) {
        Recorder(label: "flow_claim_batch_size", factory: factory).record(size)
    }

    /// One run of a claimed instance from status `from` to `to`.
    public func transition(flow: String, from: String, to: String, duration: Duration) {
        Counter(label: "flow_transitions_total", dimensions: [("flow", flow), ("to", to)], factory: factory).increment()
        Metrics.Timer(label: "flow_instance_run_seconds", dimensions: [("flow", flow)], factory: factory).record(duration: duration)
    }

    /// How late a due timer was handled.
    public func timerLateness(_ lateness: TimeSpan) {
        Metrics.Timer(label: "flow_timer_lateness_seconds", factory: factory).recordMilliseconds(max(0, lateness.milliseconds))
    }

    /// One step attempt's duration.
    public func stepLatency(step: String, succeeded: Bool, duration: Duration) {
        let outcome = succeeded ? "ok" : "error"
        Metrics.Timer(label: "flow_step_seconds", dimensions: [("step", step), ("outcome", outcome)], factory: factory)
            .record(duration: duration)
    }

    /// A failed step attempt, by step, error class and code (`twilio.21211`, `transport.timeout`).
    public func providerError(step: String, failure: StepFailure) {
        Counter(label: "flow_provider_errors_total", dimensions: [
            ("step", step), ("class", failure.errorClass.rawValue), ("code", failure.code),
        ], factory: factory).increment()
    }

    /// The stored instances per status (every status is set, absent ones to 0).
    public func instances(_ counts: [InstanceStatus: Int]) {
        for status in InstanceStatus.allCases {
            Gauge(label: "flow_instances", dimensions: [("status", status.rawValue)], factory: factory).record(counts[status] ?? 0)
        }
    }

    /// A schedule fire this daemon handled, by outcome (`started`, `claimed_elsewhere`, …).
    public func scheduleFire(flow: String, outcome: String) {
        Counter(
            label: "flow_schedule_fires_total", dimensions: [("flow", flow), ("outcome", outcome)], factory: factory).increment()
    }
}
