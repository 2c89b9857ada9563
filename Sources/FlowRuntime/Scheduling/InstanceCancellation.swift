public import FlowEngine

/// Asks an instance to end `cancelled`: a `cancel` event in its inbox, which its worker applies
/// (pending timers and calls dropped; the timeline's `cancelled` entry gives the reason and who).
/// The one way in for `POST /instances/{id}/cancel` and `flowctl instances cancel`.
public enum InstanceCancellation {
    /// What a request to cancel found.
    public enum Outcome: Sendable, Hashable {
        /// The cancel is in the inbox; the instance's status when it was asked.
        case requested(reason: String, status: InstanceStatus)
        /// The instance had already ended.
        case alreadyEnded(InstanceStatus)
    }

    /// Requests the cancel of `record` by `by` (a key's or a person's name), with an optional reason.
    public static func request(
        _ record: InstanceRecord, by: String, reason given: String?, in store: some FlowStore,
        wakeup: WorkerWakeup? = nil, at now: Instant
    ) async throws -> Outcome {
        guard !record.status.isFinished else { return .alreadyEnded(record.status) }
        let detail = given.flatMap { $0.isEmpty ? nil : $0 }
        let reason = "cancelled by \(by)" + (detail.map { ": \($0)" } ?? "")
        try await store.deliver(InboxEvent(
            instanceID: record.id, kind: "cancel", payload: ["reason": .string(reason), "by": .string(by)], at: now))
        wakeup?.ring()
        return .requested(reason: reason, status: record.status)
    }
}
