import Synchronization

/// Wakes an idle `InstanceWorker` of this process at once when work becomes due here (an
/// instance started, an event delivered), instead of waiting out its poll interval. Work created
/// by other processes is still found by polling (and timers by the claim's next wake-up).
///
/// Each `ring()` wakes one waiting worker (the oldest waiter first); a ring that arrives between
/// a worker's claim and its wait is not lost, because the worker passes the ring count it saw
/// before claiming and returns at once when it has moved on.
public final class WorkerWakeup: Sendable {
    private struct Waiters {
        var rings: UInt64 = 0
        var nextTicket: UInt64 = 0
        var waiting: [(ticket: UInt64, continuation: CheckedContinuation<Void, Never>)] = []
    }

    private let waiters = Mutex(Waiters())

    public init() {}

    /// How many times `ring()` was called; read it before claiming and pass it to `wait`.
    public var rings: UInt64 { waiters.withLock { $0.rings } }

    /// Announces new work: wakes the longest-waiting worker, if one waits.
    public func ring() {
        let woken: CheckedContinuation<Void, Never>? = waiters.withLock { state in
            state.rings &+= 1
            return state.waiting.isEmpty ? nil : state.waiting.removeFirst().continuation
        }
        woken?.resume()
    }

    /// Returns after `duration`, at a `ring()`, or at cancellation, whichever comes first; at once
    /// when there were rings since `seen`.
    public func wait(after seen: UInt64, for duration: Duration) async {
        guard duration > .zero else { return }
        let ticket: UInt64 = waiters.withLock { state in
            state.nextTicket &+= 1
            return state.nextTicket
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let registered = waiters.withLock { state -> Bool in
                    guard state.rings == seen, !Task.isCancelled else { return false }
                    state.waiting.append((ticket, continuation))
                    return true
                }
                guard registered else { return continuation.resume() }
                Task { [weak self] in
                    try? await Task.sleep(for: duration)
                    self?.release(ticket)
                }
            }
        } onCancel: {
            release(ticket)
        }
    }

    /// Resumes the waiter with `ticket` if it is still waiting (timeout or cancellation).
    private func release(_ ticket: UInt64) {
        let found: CheckedContinuation<Void, Never>? = waiters.withLock { state in
            guard let index = state.waiting.firstIndex(where: { $0.ticket == ticket }) else { return nil }
            return state.waiting.remove(at: index).continuation
        }
        found?.resume()
    }
}
