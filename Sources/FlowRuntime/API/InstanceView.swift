public import FlowEngine

/// The JSON the API answers for an instance: the row, its version and effective settings, and
/// (read from the stored interpreter state) the states it is in and what it waits for.
public enum InstanceView {
    /// The instance as `GET /instances/{id}` answers it; `version` is the flow's declared version.
    public static func json(_ record: InstanceRecord, version: Int?) -> Value {
        var members: [String: Value] = [
            "id": .string(record.id), "flow": .string(record.flow), "status": .string(record.status.rawValue),
            "agency": record.agencyID.map(Value.string) ?? .null,
            "version": version.map { .number(Double($0)) } ?? .null,
            "version_hash": .string(record.definitionHash),
            "created_at": .instant(record.createdAt), "updated_at": .instant(record.updatedAt),
            "wake_at": record.wakeAt.map(Value.instant) ?? .null,
            "settings": (try? StoreCoding.value(record.settings, column: "settings")) ?? .object([:]),
            "waiting_for": [],
        ]
        if let state = try? InstanceStateCoding.decode(record.state) {
            members["states"] = .array(Set(state.frames.values.map(\.state)).sorted().map(Value.string))
            members["waiting_for"] = .array(waits(in: state))
            if let output = state.output { members["output"] = output }
            if let failure = state.failure { members["failure"] = failure.value }
        }
        return .object(members)
    }

    /// A shorter entry for lists: no settings; what it waits for (empty once finished).
    public static func summary(_ record: InstanceRecord) -> Value {
        let waits = record.status.isFinished ? [] : (try? InstanceStateCoding.decode(record.state)).map(waits(in:)) ?? []
        return .object([
            "id": .string(record.id), "flow": .string(record.flow), "status": .string(record.status.rawValue),
            "agency": record.agencyID.map(Value.string) ?? .null, "version_hash": .string(record.definitionHash),
            "created_at": .instant(record.createdAt), "updated_at": .instant(record.updatedAt),
            "wake_at": record.wakeAt.map(Value.instant) ?? .null, "waiting_for": .array(waits),
        ])
    }

    /// What each frame waits for: a timer, an event (with its correlation), an approval, a retry's
    /// backoff, a step call's answer, or a person's resume of a paused step (with the error that
    /// paused it); with the instant it gives up (`until`) when there is one.
    static func waits(in state: InstanceState) -> [Value] {
        state.frames.values.sorted { $0.id < $1.id }.compactMap { frame -> Value? in
            func due(_ timer: String?) -> Value { timer.flatMap { state.timers[$0] }.map(Value.instant) ?? .null }
            var wait: [String: Value] = ["state": .string(frame.state)]
            switch frame.phase {
            case .sleeping(_, let until, _):
                wait["kind"] = "timer"
                wait["until"] = .instant(until)
            case .awaitingEvent(let name, let correlation, let timer):
                wait["kind"] = "event"
                wait["event"] = .string(name)
                wait["correlation"] = correlation.map(Value.string) ?? .null
                wait["until"] = due(timer)
            case .awaitingApproval(let id, let timer):
                wait["kind"] = "approval"
                wait["approval"] = .string(id)
                wait["until"] = due(timer)
            case .retrying(let attempt, let timer):
                wait["kind"] = "retry"
                wait["attempt"] = .number(Double(attempt.attempt))
                wait["until"] = due(timer)
            case .awaitingStep(let attempt):
                wait["kind"] = "step"
                wait["attempt"] = .number(Double(attempt.attempt))
            case .paused(let attempt, let error, let since):
                // Retries ran out (`on_exhausted: pause`): `POST /instances/{id}/resume` or cancel.
                wait["kind"] = "resume"
                wait["attempt"] = .number(Double(attempt.attempt))
                wait["error"] = error.value
                wait["since"] = .instant(since)
                wait["until"] = .null
            case .entering, .joining, .finished, .failed:
                return nil
            }
            return .object(wait)
        }
    }
}
