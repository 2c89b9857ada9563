import NIOCore
import PostgresNIO
import Synchronization

/// Runs one statement on a leased connection so that the caller always gets an answer.
///
/// PostgresNIO (1.33.2) hands each query to its channel with `channel.write(task, promise: nil)`.
/// When the connection has already closed — the server restarted while a transaction or the pool
/// still held it — NIO's pipeline is gone, the write is dropped silently, and the query's promise
/// is never completed: `query(...)` never returns (upstream: vapor/postgres-nio#487 fixed this
/// and was reverted by #501). A transaction's `ROLLBACK` after a failed statement hits this almost
/// every time, and the worker then never finishes its batch or a graceful shutdown.
///
/// The watch runs the statement in its own task and probes the connection on its event loop: the
/// caller gets `.unavailable` once the connection has been closed for `grace` without the
/// statement finishing (a statement the driver did receive fails at once on close), or once the
/// `deadline` passes (it then closes the connection, which fails the statement in the driver and
/// ends it on the server). An abandoned statement's task stays suspended on the dropped promise;
/// it holds no pool lease, because the lease belongs to the caller, which goes on.
final class PostgresStatementWatch<Output: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<Output, any Error>?
        var closedSince: NIODeadline?
        var probe: RepeatedTask?
        var statement: Task<Void, Never>?
    }

    static var probeInterval: TimeAmount { .milliseconds(500) }
    static var grace: TimeAmount { .seconds(1) }

    private let connection: PostgresConnection
    private let deadline: NIODeadline?
    private let state = Mutex(State())

    private init(connection: PostgresConnection, deadline: NIODeadline?) {
        self.connection = connection
        self.deadline = deadline
    }

    /// Runs `statement` on `connection`; throws `StoreError(.unavailable)` when the connection
    /// closed under it or `timeout` passed (nil: only the closed-connection check).
    static func run(
        on connection: PostgresConnection, timeout: Duration?,
        _ statement: @escaping @Sendable () async throws -> Output
    ) async throws -> Output {
        let watch = PostgresStatementWatch(
            connection: connection, deadline: timeout.map { .now() + TimeAmount($0) })
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                watch.start(continuation, statement)
            }
        } onCancel: {
            watch.state.withLock { $0.statement }?.cancel()
        }
    }

    private func start(
        _ continuation: CheckedContinuation<Output, any Error>, _ statement: @escaping @Sendable () async throws -> Output
    ) {
        state.withLock { $0.continuation = continuation }
        let probe = connection.eventLoop.scheduleRepeatedTask(
            initialDelay: Self.probeInterval, delay: Self.probeInterval
        ) { [self] _ in self.check() }
        let task = Task {
            do {
                finish(.success(try await statement()))
            } catch {
                finish(.failure(error))
            }
        }
        let finished = state.withLock { state in
            state.probe = probe
            state.statement = task
            return state.continuation == nil
        }
        if finished { probe.cancel() }
    }

    /// On the event loop: gives up on a statement whose connection closed or whose deadline passed.
    private func check() {
        let now = NIODeadline.now()
        if let deadline, now >= deadline {
            connection.close().whenComplete { _ in }
            finish(.failure(StoreError(.unavailable, "PostgreSQL: statement timed out; connection closed")))
            return
        }
        guard connection.isClosed else { return }
        let closedSince = state.withLock { state in
            if state.closedSince == nil { state.closedSince = now }
            return state.closedSince!
        }
        if now - closedSince >= Self.grace {
            finish(.failure(StoreError(.unavailable, "PostgreSQL: connection closed during a statement")))
        }
    }

    /// Answers the caller once; later outcomes (an abandoned statement that finished after all) are dropped.
    private func finish(_ outcome: Result<Output, any Error>) {
        let (continuation, probe) = state.withLock { state in
            defer { state.continuation = nil }
            return (state.continuation, state.continuation == nil ? nil : state.probe)
        }
        probe?.cancel()
        continuation?.resume(with: outcome)
    }
}
