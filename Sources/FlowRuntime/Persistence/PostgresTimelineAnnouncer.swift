import Synchronization

/// Sends the `flow_timeline` notifications (`TimelineAnnouncement`) after the commits they announce,
/// coalesced, instead of inside them.
///
/// A PostgreSQL transaction that calls `pg_notify` takes one database-wide lock at commit and holds
/// it through its WAL flush, so every notifying commit waits for the previous one's fsync: with
/// the notification inside each transition, the store's commits were serialised on the disk
/// (docs/benchmarks.md measures both with pgbench). Here a commit only queues its announcement; one statement at a time
/// sends everything queued (`pg_notify` over an array, in a transaction that writes nothing, so
/// it flushes no WAL), and what arrives meanwhile goes in the next. There is no timer: an idle
/// daemon's announcement leaves at once, a busy one's wait at most one such statement.
///
/// An announcement is a hint: one lost with its connection (or its process, between the commit
/// and the send) is found by the listening daemon's stream polls, as before.
final class PostgresTimelineAnnouncer: Sendable {
    private struct Queue {
        /// Payloads in order of arrival, one per instance and kind (`grew` twice is one).
        var payloads: [String] = []
        var queued: Set<String> = []
        var sending = false
    }

    private let queue = Mutex(Queue())

    /// Queues `announcement`; starts a sender unless one is running. `send` delivers one batch.
    func announce(_ announcement: TimelineAnnouncement, send: @escaping @Sendable ([String]) async -> Void) {
        let payload = announcement.payload
        let start = queue.withLock { queue -> Bool in
            if queue.queued.insert(payload).inserted { queue.payloads.append(payload) }
            guard !queue.sending else { return false }
            queue.sending = true
            return true
        }
        guard start else { return }
        Task {
            while let batch = nextBatch() { await send(batch) }
        }
    }

    /// Takes everything queued, or ends the sender when nothing is.
    private func nextBatch() -> [String]? {
        queue.withLock { queue in
            guard !queue.payloads.isEmpty else {
                queue.sending = false
                return nil
            }
            defer {
                queue.payloads = []
                queue.queued = []
            }
            return queue.payloads
        }
    }
}
