public import Logging
import PostgresNIO
public import ServiceLifecycle

/// Wakes this daemon's worker when any daemon on the same PostgreSQL delivers to an instance's
/// inbox (an approval decided, an event, a cancel): `PostgresFlowStore.deliver` notifies
/// `flow_wake` in the same statement, and this service `LISTEN`s on one pooled connection and
/// rings the worker, so a decision accepted by daemon A is claimed by a daemon B at once instead of
/// at B's next poll. A lost connection is re-established after `retry`; until then the worker's
/// poll still finds the work.
public struct PostgresWakeListener: Service {
    /// The notification channel.
    public static let channel = "flow_wake"

    public let store: PostgresFlowStore
    public let wakeup: WorkerWakeup
    public let retry: Duration
    public let logger: Logger

    public init(
        store: PostgresFlowStore, wakeup: WorkerWakeup, retry: Duration = .seconds(1),
        logger: Logger = Logger(label: "flow.store.postgres")
    ) {
        self.store = store
        self.wakeup = wakeup
        self.retry = retry
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown {
                    try await store.withConnection { connection in
                        try await connection.listen(on: Self.channel) { notifications in
                            for try await _ in notifications { wakeup.ring() }
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
