import FlowEngine
import Steps
import Tracing

/// The spans the runtime makes, through swift-distributed-tracing's global tracer (no-ops unless
/// `TraceExport` bootstrapped one): `flow.instance <flow>` per instance run (one claim or
/// hand-over executed by a worker) and, inside it, `step <step>` per step attempt.
///
/// Attributes name the flow, instance, agency, state, step, attempt, statuses and error
/// class/code, and for `openai.chat` the model and token counts; never arguments, results,
/// messages or credentials.
enum TraceSpans {
    /// Runs `body` (an executor run of `record`'s instance from `before`) in a
    /// `flow.instance <flow>` span; the span ends with the status `body` left the instance in.
    static func instanceRun(
        _ record: InstanceRecord, version: Int?, before: InstanceState.Status,
        _ body: () async throws -> InstanceState
    ) async rethrows -> InstanceState {
        try await withSpan("flow.instance \(record.flow)", ofKind: .internal) { span in
            span.attributes["flow.name"] = record.flow
            if let version { span.attributes["flow.version"] = version }
            span.attributes["flow.hash"] = record.definitionHash
            span.attributes["flow.instance"] = record.id
            if let agency = record.agencyID { span.attributes["flow.agency"] = agency }
            span.attributes["flow.status_before"] = before.rawValue
            let after = try await body()
            span.attributes["flow.status"] = after.status.rawValue
            if after.status == .failed { span.setStatus(SpanStatus(code: .error, message: "instance failed")) }
            return after
        }
    }

    /// Runs `attempt` (one attempt of the step `name`) in a `step <name>` span, a child of the
    /// instance run's span.
    static func stepAttempt(
        _ name: String, call: StepCall, context: StepContext, _ attempt: () async throws -> StepOutcome
    ) async rethrows -> StepOutcome {
        try await withSpan("step \(name)", ofKind: .client) { span in
            span.attributes["flow.step"] = name
            span.attributes["flow.attempt"] = call.attempt
            if let flow = context.flow { span.attributes["flow.name"] = flow }
            if let instance = context.instanceID { span.attributes["flow.instance"] = instance }
            if let state = context.state { span.attributes["flow.state"] = state }
            if let frame = context.frame { span.attributes["flow.frame"] = frame }
            if context.rerun { span.attributes["flow.rerun"] = true }
            let outcome = try await attempt()
            record(outcome, step: name, on: span)
            return outcome
        }
    }

    /// The outcome's error class and code, or for a model call its model and tokens.
    private static func record(_ outcome: StepOutcome, step: String, on span: any Span) {
        switch outcome {
        case .failure(let failure):
            span.attributes["flow.error.class"] = failure.errorClass.rawValue
            span.attributes["flow.error.code"] = failure.code
            if let status = failure.providerStatus { span.attributes["http.response.status_code"] = status }
            span.setStatus(SpanStatus(code: .error, message: failure.code))
        case .success(let result) where step == "openai.chat":
            if let model = result["model"]?.stringValue { span.attributes["gen_ai.response.model"] = model }
            let usage = result["usage"]
            if let prompt = usage?["prompt_tokens"]?.intValue {
                span.attributes["gen_ai.usage.input_tokens"] = prompt
            }
            if let completion = usage?["completion_tokens"]?.intValue {
                span.attributes["gen_ai.usage.output_tokens"] = completion
            }
        case .success:
            break
        }
    }
}
