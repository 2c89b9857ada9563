public import FlowEngine
public import Metrics
public import Steps

/// The daemon's metrics through swift-metrics (exported by the Prometheus backend at `/metrics`):
/// instances by status, transitions, step latency, provider errors, timer lateness, claim batch
/// size, schedule fires, model tokens and cost, API requests refused by the rate limit. Each metric's handler is made once per label set
/// (`MetricHandles`).
public struct RuntimeMetrics: Sendable {
    /// Where the metrics go: the bootstrapped backend by default.
    public var factory: any MetricsFactory { handles.factory }
    /// The counters, timers, recorders and gauges, made once per label set.
    private let handles: MetricHandles

    /// Metrics through `factory`; by default the one `MetricsSystem` was bootstrapped with.
    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        self.handles = MetricHandles(factory: factory)
    }

    /// One claim; `size` instances were leased.
    public func claimBatch(_ size: Int) {
        handles.recorder("flow_claim_batch_size").record(size)
    }

    /// One run of a claimed instance from status `from` to `to`.
    public func transition(flow: String, from: String, to: String, duration: Duration) {
        handles.counter("flow_transitions_total", [("flow", flow), ("to", to)]).increment()
        handles.timer("flow_instance_run_seconds", [("flow", flow)]).record(duration: duration)
    }

    /// How late a due timer was handled.
    public func timerLateness(_ lateness: TimeSpan) {
        handles.timer("flow_timer_lateness_seconds").recordMilliseconds(max(0, lateness.milliseconds))
    }

    /// One step attempt's duration.
    public func stepLatency(step: String, succeeded: Bool, duration: Duration) {
        let outcome = succeeded ? "ok" : "error"
        handles.timer("flow_step_seconds", [("step", step), ("outcome", outcome)]).record(duration: duration)
    }

    /// A failed step attempt, by step, error class and code (`twilio.21211`, `transport.timeout`).
    public func providerError(step: String, failure: StepFailure) {
        handles.counter("flow_provider_errors_total", [
            ("step", step), ("class", failure.errorClass.rawValue), ("code", failure.code),
        ]).increment()
    }

    /// One answered model call (a `model_usage` entry) of a `flow` instance: its tokens by kind
    /// (`prompt`, `completion`) and, when the model has a price, its cost in USD.
    public func modelUsage(flow: String, model: String, promptTokens: Int, completionTokens: Int, costUSD: Double?) {
        for (kind, tokens) in [("prompt", promptTokens), ("completion", completionTokens)] {
            handles.counter("flow_llm_tokens_total", [("flow", flow), ("model", model), ("kind", kind)])
                .increment(by: Int64(max(0, tokens)))
        }
        if let costUSD {
            handles.floatingPointCounter("flow_llm_cost_usd_total", [("flow", flow), ("model", model)])
                .increment(by: max(0, costUSD))
        }
    }

    /// The stored instances per status (every status is set, absent ones to 0).
    public func instances(_ counts: [InstanceStatus: Int]) {
        for status in InstanceStatus.allCases {
            handles.gauge("flow_instances", [("status", status.rawValue)]).record(counts[status] ?? 0)
        }
    }

    /// A schedule fire this daemon handled, by outcome (`started`, `claimed_elsewhere`, …).
    public func scheduleFire(flow: String, outcome: String) {
        handles.counter("flow_schedule_fires_total", [("flow", flow), ("outcome", outcome)]).increment()
    }

    /// Records of a retention kind one run purged.
    public func retentionPurged(kind: String, count: Int) {
        handles.counter("flow_retention_purged_total", [("kind", kind)]).increment(by: Int64(max(0, count)))
    }

    /// An API request refused with 429 by the rate limit, by kind of caller (`key`, `address`).
    public func rateLimited(caller: String) {
        handles.counter("flow_http_rate_limited_total", [("caller", caller)]).increment()
    }

    /// A circuit's state: `flow_circuit_state{circuit, state}` is 1 for the state it is in, 0 for the
    /// others; `flow_circuit_transitions_total{circuit, from, to}` counts its changes.
    public func circuit(_ circuit: String, transition: CircuitBreaker.Transition?, state: CircuitBreaker.State) {
        for each in CircuitBreaker.State.allCases {
            handles.gauge("flow_circuit_state", [("circuit", circuit), ("state", each.rawValue)])
                .record(each == state ? 1 : 0)
        }
        if let transition {
            handles.counter("flow_circuit_transitions_total", [
                ("circuit", circuit), ("from", transition.from.rawValue), ("to", transition.to.rawValue),
            ]).increment()
        }
    }
}
