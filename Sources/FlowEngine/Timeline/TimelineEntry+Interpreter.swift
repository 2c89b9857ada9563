/// The entries the interpreter emits, one constructor per kind (the fields of each are in
/// `docs/timeline.md`). An entry about a `parallel` branch or a `for_each` item also carries its
/// `frame` (``TimelineEntry/inFrame(_:)``).
extension TimelineEntry {
    /// `state_entered`: the frame entered `state`.
    public static func stateEntered(state: String) -> TimelineEntry {
        TimelineEntry(.stateEntered, ["state": .string(state)])
    }

    /// `decided`: choice `state` took branch `branch` (0-based; nil: its `default`) to `next`.
    /// `conditions` are the branches evaluated, in order, each with whether it held; `trace` the
    /// values they read and their computed comparisons; `reason` says it in one sentence.
    public static func decided(
        state: String, branch: Int?, next: String, conditions: [(when: String, held: Bool)], trace: ExpressionTrace,
        reason: String
    ) -> TimelineEntry {
        TimelineEntry(.decided, [
            "state": .string(state), "branch": branch.map { Value.number(Double($0)) } ?? "default", "next": .string(next),
            "conditions": .array(conditions.map { Value.object(["when": .string($0.when), "held": .bool($0.held)]) }),
            "values": trace.valuesField, "comparisons": .array(trace.comparisons.map(Value.string)),
            "reason": .string(reason),
        ])
    }

    /// `step_called`: attempt `attempt` (1-based) of `step` with the evaluated `with` object.
    public static func stepCalled(
        state: String, step: String, attempt: Int, callID: String, input: Value
    ) -> TimelineEntry {
        TimelineEntry(.stepCalled, [
            "state": .string(state), "step": .string(step), "attempt": .number(Double(attempt)),
            "call_id": .string(callID), "input": input,
        ])
    }

    /// `step_succeeded`: the step's output.
    public static func stepSucceeded(state: String, step: String, attempt: Int, output: Value) -> TimelineEntry {
        TimelineEntry(.stepSucceeded, [
            "state": .string(state), "step": .string(step), "attempt": .number(Double(attempt)), "output": output,
        ])
    }

    /// `step_failed`: the attempt's error (`{class, code, message}`).
    public static func stepFailed(state: String, step: String, attempt: Int, error: FlowError) -> TimelineEntry {
        TimelineEntry(.stepFailed, [
            "state": .string(state), "step": .string(step), "attempt": .number(Double(attempt)), "error": error.value,
        ])
    }

    /// `retry_scheduled`: attempt `attempt` (the next one) when timer `timer` fires at `at`.
    public static func retryScheduled(
        state: String, step: String, attempt: Int, at: Instant, timer: String
    ) -> TimelineEntry {
        TimelineEntry(.retryScheduled, [
            "state": .string(state), "step": .string(step), "attempt": .number(Double(attempt)), "at": .instant(at),
            "timer": .string(timer),
        ])
    }

    /// `step_paused`: the retries of `step` ran out at attempt `attempt` on `error`; the frame waits
    /// for a person to resume it or to cancel the instance (`on_exhausted: pause`).
    public static func stepPaused(state: String, step: String, attempt: Int, error: FlowError) -> TimelineEntry {
        TimelineEntry(.stepPaused, [
            "state": .string(state), "step": .string(step), "attempt": .number(Double(attempt)), "error": error.value,
        ])
    }

    /// `resumed`: `by` resumed the paused `step`: `action` `retry` (another round of attempts) or
    /// `fail` (its error goes to `catch`, or fails the flow), with their note.
    public static func resumed(state: String, step: String, action: ResumeRequest.Action, by: String?, note: String?)
        -> TimelineEntry
    {
        var details: [String: Value] = ["state": .string(state), "step": .string(step), "action": .string(action.rawValue)]
        if let by { details["by"] = .string(by) }
        if let note { details["note"] = .string(note) }
        return TimelineEntry(.resumed, details)
    }

    /// `timer_set`: timer `timer` fires at `at`; `waitingFor` names the event of an event wait's timeout.
    public static func timerSet(state: String, at: Instant, timer: String, waitingFor: String? = nil) -> TimelineEntry {
        var details: [String: Value] = ["state": .string(state), "at": .instant(at), "timer": .string(timer)]
        if let waitingFor { details["waiting_for"] = .string(waitingFor) }
        return TimelineEntry(.timerSet, details)
    }

    /// `deferred`: a wait due at `from` wakes at `to` instead, because of quiet hours in `zone`.
    /// `rule` adds what decided it (`quiet`, `decision`, `not_after`, `not_after_local`, `rule`,
    /// `values`: the window's expressions and the values they read).
    public static func deferred(
        state: String, from: Instant, to: Instant, zone: String, fromLocal: String, toLocal: String, reason: String,
        rule: [String: Value] = [:]
    ) -> TimelineEntry {
        var details: [String: Value] = [
            "state": .string(state), "from": .instant(from), "to": .instant(to), "zone": .string(zone),
            "from_local": .string(fromLocal), "to_local": .string(toLocal), "reason": .string(reason),
        ]
        details.merge(rule) { _, ruleField in ruleField }
        return TimelineEntry(.deferred, details)
    }

    /// `caught`: `state`'s `catch` clause took `error`; the frame goes to `next`.
    public static func caught(state: String, error: FlowError, next: String) -> TimelineEntry {
        TimelineEntry(.caught, ["state": .string(state), "error": error.value, "next": .string(next)])
    }

    /// `approval_requested`: approval `approval` asks `request`; `expiresAt` nil is stored as null.
    public static func approvalRequested(
        state: String, approval: String, request: Value, expiresAt: Instant?
    ) -> TimelineEntry {
        TimelineEntry(.approvalRequested, [
            "state": .string(state), "approval": .string(approval), "request": request,
            "expires_at": expiresAt.map(Value.instant) ?? .null,
        ])
    }

    /// `approval_notified`, `approval_reminded` or `approval_escalated`: notices of approval `approval`
    /// went to `approvers` through `channels` (`calls` notice calls); `number` counts reminders, `added`
    /// names the approvers an escalation added.
    public static func approvalNotice(
        _ kind: Kind, state: String, approval: String, approvers: [String], channels: [String], calls: Int,
        number: Int? = nil, added: [String]? = nil
    ) -> TimelineEntry {
        var details: [String: Value] = [
            "state": .string(state), "approval": .string(approval), "approvers": .array(approvers.map(Value.string)),
            "channels": .array(channels.map(Value.string)), "calls": .number(Double(calls)),
        ]
        if let number { details["number"] = .number(Double(number)) }
        if let added { details["added"] = .array(added.map(Value.string)) }
        return TimelineEntry(kind, details)
    }

    /// `approval_decided`: `decision` is the record the flow sees (`{decision, by, at, notes, values}`).
    public static func approvalDecided(approval: String, decision: Value) -> TimelineEntry {
        TimelineEntry(.approvalDecided, ["approval": .string(approval), "decision": decision])
    }

    /// `event_received`: event `name` (correlation `key`, stored as null when nil) reached the
    /// frames `deliveredTo` (empty: kept for a later wait's lookback).
    public static func eventReceived(
        name: String, key: String?, payload: Value, deliveredTo: [String]
    ) -> TimelineEntry {
        TimelineEntry(.eventReceived, [
            "name": .string(name), "key": key.map(Value.string) ?? .null, "payload": payload,
            "delivered_to": .array(deliveredTo.map(Value.string)),
        ])
    }

    /// `event_matched`: a wait for `name` took an event received before it started waiting.
    public static func eventMatched(name: String) -> TimelineEntry {
        TimelineEntry(.eventMatched, ["name": .string(name), "from_lookback": true])
    }

    /// `wait_timed_out`: no `waitingFor` event arrived before the wait's timeout.
    public static func waitTimedOut(state: String, waitingFor: String) -> TimelineEntry {
        TimelineEntry(.waitTimedOut, ["state": .string(state), "waiting_for": .string(waitingFor)])
    }

    /// `branch_cancelled`: frame `frame` (in `state`) was cancelled with its descendants.
    public static func branchCancelled(frame: String, state: String) -> TimelineEntry {
        TimelineEntry(.branchCancelled, ["frame": .string(frame), "state": .string(state)])
    }

    /// `completed` with status `succeeded` and the flow's output.
    public static func succeeded(output: Value) -> TimelineEntry {
        TimelineEntry(.completed, ["status": "succeeded", "output": output])
    }

    /// `completed` with status `failed` and the error that ended the flow.
    public static func failed(_ error: FlowError) -> TimelineEntry {
        TimelineEntry(.completed, ["status": "failed", "error": error.value])
    }

    /// `completed` with status `cancelled` and why.
    public static func cancelled(reason: String) -> TimelineEntry {
        TimelineEntry(.completed, ["status": "cancelled", "reason": .string(reason)])
    }

    /// `ignored`: why an event changed nothing.
    public static func ignored(reason: String) -> TimelineEntry {
        TimelineEntry(.ignored, ["reason": .string(reason)])
    }
}
