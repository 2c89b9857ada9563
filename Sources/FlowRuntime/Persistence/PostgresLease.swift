import Logging
import NIOCore
import PostgresNIO
import Synchronization

/// Leases one pooled connection for a caller, with a deadline on the wait.
///
/// PostgresNIO (1.33.2) queues a lease request until the pool has a connection and has no
/// deadline of its own: while PostgreSQL is down the pool retries connecting with back-off and
/// the request waits forever, so a worker, the scheduler or `/health` would hang for the whole
/// outage. Here a holder task makes the request and hands the connection over; the caller waits
/// at most `timeout` for it and then gets `StoreError(.unavailable)` while the holder's request
/// is cancelled (a connection that arrives after all goes straight back to the pool). The
/// deadline covers only the wait for a connection: statements are guarded by
/// `PostgresStatementWatch`. The holder keeps the pool's lease until the caller releases it.
final class PostgresLease: Sendable {
    private enum Phase {
        case waiting
        /// The connection arrived before the caller began waiting for it.
        case ready(PostgresConnection)
        case leased
        case gaveUp(any Error)
    }

    private struct State {
        var phase: Phase = .waiting
        var caller: CheckedContinuation<PostgresConnection, any Error>?
        var released = false
        var releaseWaiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    private init() {}

    /// How many times a caller is handed a connection that has already closed before it gives up.
    static var closedHandOverLimit: Int { 3 }

    /// Runs `body` with a connection leased from `client`, waiting at most `timeout` for it (nil:
    /// no deadline); `start` is awaited first (the pool's `run()` has begun, see `PostgresPoolStart`).
    ///
    /// The pool learns that a connection closed asynchronously, so right after a connection was
    /// closed under its holder (a statement's deadline, a server restart) it can still hand that
    /// connection out. Such a connection is given back untouched — nothing was sent on it — and
    /// another one is leased, within the same `timeout`, up to `closedHandOverLimit` times.
    static func with<Result>(
        _ client: PostgresClient, start: PostgresPoolStart, timeout: Duration?,
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        let deadline = timeout.map { ContinuousClock.now + $0 }
        var closedHandOvers = 0
        while true {
            // Gives the pool a moment to process the close before asking again.
            if closedHandOvers > 0 { try await Task.sleep(for: .milliseconds(10 * closedHandOvers)) }
            let remaining = deadline.map { max($0 - ContinuousClock.now, .zero) }
            let (lease, connection) = try await leaseOne(client, start: start, timeout: timeout, remaining: remaining)
            defer { lease.release() }
            if connection.isClosed && closedHandOvers < closedHandOverLimit {
                closedHandOvers += 1
                continue
            }
            return try await body(connection)
        }
    }

    /// One lease request: the connection, and the lease to release when done with it.
    private static func leaseOne(
        _ client: PostgresClient, start: PostgresPoolStart, timeout: Duration?, remaining: Duration?
    ) async throws -> (PostgresLease, PostgresConnection) {
        let lease = PostgresLease()
        let holder = Task {
            do {
                try await start.wait()
                try await client.withConnection { connection in
                    guard lease.deliver(connection) else { return }
                    await lease.waitForRelease()
                }
            } catch {
                lease.giveUp(error)
            }
        }
        let timer = remaining.map { remaining in
            PostgresClient.defaultEventLoopGroup.any().scheduleTask(in: TimeAmount(remaining)) {
                lease.giveUp(StoreError(.unavailable, """
                    PostgreSQL: no connection within \(timeout ?? remaining) (the database is unreachable or \
                    every pooled connection is busy)
                    """))
            }
        }
        do {
            let connection = try await withTaskCancellationHandler {
                try await lease.connection()
            } onCancel: {
                lease.giveUp(CancellationError())
            }
            timer?.cancel()
            return (lease, connection)
        } catch {
            timer?.cancel()
            holder.cancel()
            throw error
        }
    }

    private func connection() async throws -> PostgresConnection {
        try await withCheckedThrowingContinuation { continuation in
            let answer: Result<PostgresConnection, any Error>? = state.withLock { state in
                switch state.phase {
                case .waiting:
                    state.caller = continuation
                    return nil
                case .ready(let connection):
                    state.phase = .leased
                    return .success(connection)
                case .gaveUp(let error):
                    return .failure(error)
                case .leased:
                    preconditionFailure("PostgresLease: the connection is awaited once")
                }
            }
            if let answer { continuation.resume(with: answer) }
        }
    }

    /// From the holder: hands the connection over; false when the caller has given up.
    private func deliver(_ connection: PostgresConnection) -> Bool {
        let (delivered, caller) = state.withLock { state -> (Bool, CheckedContinuation<PostgresConnection, any Error>?) in
            guard case .waiting = state.phase else { return (false, nil) }
            guard let caller = state.caller else {
                state.phase = .ready(connection)
                return (true, nil)
            }
            state.phase = .leased
            state.caller = nil
            return (true, caller)
        }
        caller?.resume(returning: connection)
        return delivered
    }

    /// Ends the wait with `error` unless the caller already holds the connection.
    private func giveUp(_ error: any Error) {
        let (caller, releaseHolder) = state.withLock { state -> (CheckedContinuation<PostgresConnection, any Error>?, Bool) in
            switch state.phase {
            case .waiting:
                state.phase = .gaveUp(error)
                defer { state.caller = nil }
                return (state.caller, false)
            case .ready:
                state.phase = .gaveUp(error)
                return (nil, true)
            case .leased, .gaveUp:
                return (nil, false)
            }
        }
        caller?.resume(throwing: error)
        if releaseHolder { release() }
    }

    /// From the holder: returns once the caller is done with the connection.
    private func waitForRelease() async {
        await withCheckedContinuation { continuation in
            let released = state.withLock { state in
                if !state.released { state.releaseWaiter = continuation }
                return state.released
            }
            if released { continuation.resume() }
        }
    }

    /// The caller is done: the holder returns the connection to the pool.
    private func release() {
        let waiter = state.withLock { state in
            state.released = true
            defer { state.releaseWaiter = nil }
            return state.releaseWaiter
        }
        waiter?.resume()
    }
}

/// Opens once the store's `run()` has started the client's pool: leases wait for it, so none is
/// requested before `PostgresClient.run()` (PostgresNIO warns about each such lease).
final class PostgresPoolStart: Sendable {
    private struct State {
        var open = false
        var nextID: UInt64 = 0
        var waiters: [UInt64: CheckedContinuation<Void, any Error>] = [:]
    }

    private let state = Mutex(State())

    /// Lets every waiter go, now and later.
    func open() {
        let waiters = state.withLock { state in
            state.open = true
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once `open()` was called; throws `CancellationError` when the task is cancelled first.
    func wait() async throws {
        if state.withLock({ $0.open }) { return }
        let id = state.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let resume: Result<Void, any Error>? = state.withLock { state in
                    if state.open { return .success(()) }
                    if Task.isCancelled { return .failure(CancellationError()) }
                    state.waiters[id] = continuation
                    return nil
                }
                if let resume { continuation.resume(with: resume) }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume(throwing: CancellationError())
        }
    }
}

/// The pool's background logger, less PostgresNIO's "run() hasn't been called yet" warning.
///
/// Leases wait for `PostgresPoolStart`, which `PostgresFlowStore.run()` opens immediately before
/// calling `PostgresClient.run()`, so no lease is ever requested from a pool that will not run. A
/// waiter resumed on another thread can still, rarely, reach the pool in the instant between the
/// two calls (before `run()` sets the flag PostgresNIO checks, which is not public); the warning
/// is then a false alarm, and it is the only message dropped.
struct PoolLogHandler: LogHandler {
    static let falseAlarm = "Trying to lease connection from `PostgresClient`, but `PostgresClient.run()` hasn't been called yet."

    var base: any LogHandler

    /// `logger` with its handler wrapped.
    static func logger(_ logger: Logger) -> Logger {
        let handler = PoolLogHandler(base: logger.handler)
        return Logger(label: logger.label, factory: { _ in handler })
    }

    func log(event: LogEvent) {
        guard event.message.description != Self.falseAlarm else { return }
        base.log(event: event)
    }

    var logLevel: Logger.Level {
        get { base.logLevel }
        set { base.logLevel = newValue }
    }

    var metadata: Logger.Metadata {
        get { base.metadata }
        set { base.metadata = newValue }
    }

    var metadataProvider: Logger.MetadataProvider? {
        get { base.metadataProvider }
        set { base.metadataProvider = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { base[metadataKey: key] }
        set { base[metadataKey: key] = newValue }
    }
}
