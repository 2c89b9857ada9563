public import Logging
import PostgresNIO
public import ServiceLifecycle

/// Wakes this daemon's worker when any daemon on the same PostgreSQL delivers to an instance's
/// inbox (an approval decided, an event, a cancel): `PostgresFlowStore.deliver` notifies
/// `flow_wake` in the same statement, and this service `LISTEN`s on one pooled connection and
/// rings the worker, so a decision accepted by daemon A is claimed by a daemon B at once instead of
/// at B's next poll. With a `TimelineNotifier`, it also listens on `flow_timeline`
/// (`TimelineAnnouncement`, sent after every commit that adds to a timeline) and wakes this
/// daemon's live streams of that instance, so an SSE client on B sees what A's worker did at once.
/// A lost connection is re-established after `retry`; until then the worker's and the streams'
/// polls still find everything.
public struct PostgresWakeListener: Service {
    /// The notification channel.
    public static let channel = "flow_wake"

    public let store: PostgresFlowStore
    public let wakeup: WorkerWakeup
    /// This daemon's live streams; nil: only the worker is woken.
    public let timeline: TimelineNotifier?
    /// This daemon's worker: its own commits were announced in process and are skipped.
    public let owner: String?
    public let retry: Duration
    public let logger: Logger

    public init(
        store: PostgresFlowStore, wakeup: WorkerWakeup, timeline: TimelineNotifier? = nil, owner: String? = nil,
        retry: Duration = .seconds(1), logger: Logger = Logger(label: "flow.store.postgres")
    ) {
        self.store = store
        self.wakeup = wakeup
        self.timeline = timeline
        self.owner = owner
        self.retry = retry
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown {
                    try await store.withConnection { connection in
                        try await withThrowingTaskGroup(of: Void.self) { group in
                            group.addTask {
                                try await connection.listen(on: Self.channel) { notifications in
                                    for try await _ in notifications { wakeup.ring() }
                                }
                            }
                            if let timeline {
                                group.addTask {
                                    try await connection.listen(on: TimelineAnnouncement.channel) { notifications in
                                        for try await notification in notifications {
                                            guard let told = TimelineAnnouncement(payload: notification.payload),
                                                  told.owner != owner
                                            else { continue }
                                            timeline.announce(told.instanceID, ended: told.ended)
                                        }
                                    }
                                }
                            }
                            // Either listen ending (a lost connection) ends both and listens again.
                            try await group.next()
                            group.cancelAll()
                        }
                    }
                }
            } catch {
                guard !Task.isCancelled && !Task.isShuttingDownGracefully else { break }
                logger.notice("wake channel lost; listening again", metadata: ["flow.error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: retry) }
        }
    }
}
