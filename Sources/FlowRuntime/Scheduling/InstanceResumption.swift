public import FlowEngine

/// Resumes an instance's paused steps (`on_exhausted: pause`): a `resume` event in its inbox, which
/// its worker applies (`retry`: another round of attempts; `fail`: the error goes on to the step's
/// `catch`, or fails the flow; the timeline's `resumed` entry says who and why). The one way in for
/// `POST /instances/{id}/resume` and `flowctl instances resume`.
public enum InstanceResumption {
    /// A paused step as the request found it.
    public struct PausedStep: Sendable, Hashable {
        public var state: String
        public var attempt: Int
        public var error: FlowError
        public var since: Instant
        /// The paused call: a second resume of the same pause is the same inbox entry.
        public var callID: String
    }

    /// What a request to resume found.
    public enum Outcome: Sendable, Hashable {
        /// The resume is in the inbox; the steps it resumes.
        case requested([PausedStep])
        /// The instance had already ended.
        case alreadyEnded(InstanceStatus)
        /// Nothing in the instance is paused.
        case notPaused
    }

    /// The paused steps of a stored state, in frame order.
    public static func pausedSteps(in state: InstanceState) -> [PausedStep] {
        state.frames.values.sorted { $0.id < $1.id }.compactMap { frame in
            guard case .paused(let attempt, let error, let since) = frame.phase else { return nil }
            return PausedStep(state: frame.state, attempt: attempt.attempt, error: error, since: since,
                              callID: attempt.callID)
        }
    }

    /// Requests `action` on `record`'s paused steps by `by` (a key's or a person's name), with an optional note.
    public static func request(
        _ record: InstanceRecord, action: ResumeRequest.Action, by: String, note given: String?,
        in store: some FlowStore, wakeup: WorkerWakeup? = nil, at now: Instant
    ) async throws -> Outcome {
        guard !record.status.isFinished else { return .alreadyEnded(record.status) }
        let paused = pausedSteps(in: try InstanceStateCoding.decode(record.state))
        guard !paused.isEmpty else { return .notPaused }
        var payload: [String: Value] = ["action": .string(action.rawValue), "by": .string(by)]
        if let note = given.flatMap({ $0.isEmpty ? nil : $0 }) { payload["note"] = .string(note) }
        try await store.deliver(InboxEvent(
            instanceID: record.id, kind: "resume", payload: .object(payload),
            dedupKey: "resume:" + paused.map(\.callID).joined(separator: ","), at: now))
        wakeup?.ring()
        return .requested(paused)
    }
}
