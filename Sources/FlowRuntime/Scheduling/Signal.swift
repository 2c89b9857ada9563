import Synchronization

/// Rings that wake waiting tasks, per key: the primitive under `WorkerWakeup` (one waiter per
/// ring) and `TimelineNotifier` (every waiter of an instance). A ring that comes between a
/// waiter's read of `rings(key)` and its `wait` is not lost: the waiter passes the count it saw
/// and returns at once when the count has moved on.
final class Signal: Sendable {
    private struct State {
        var rings: [String: UInt64] = [:]
        var nextTicket: UInt64 = 0
        var waiting: [(key: String, ticket: UInt64, continuation: CheckedContinuation<Void, Never>)] = []
    }

    private let state = Mutex(State())

    /// How many times `key` was rung.
    func rings(_ key: String) -> UInt64 { state.withLock { $0.rings[key] ?? 0 } }

    /// Rings `key`: wakes its longest waiter, or every waiter when `all`. With `forget`, the key's
    /// count is dropped afterwards (it will not ring again; a late waiter then returns at once).
    func ring(_ key: String, all: Bool, forget: Bool = false) {
        let woken = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.rings[key, default: 0] &+= 1
            if forget { state.rings[key] = nil }
            guard let first = state.waiting.firstIndex(where: { $0.key == key }) else { return [] }
            guard all else { return [state.waiting.remove(at: first).continuation] }
            let matching = state.waiting.filter { $0.key == key }.map(\.continuation)
            state.waiting.removeAll { $0.key == key }
            return matching
        }
        for continuation in woken { continuation.resume() }
    }

    /// Returns at a ring of `key` after `seen`, after `duration`, or at cancellation, whichever
    /// comes first; at once when `key` was rung since `seen`.
    func wait(_ key: String, after seen: UInt64, atMost duration: Duration) async {
        guard duration > .zero else { return }
        let ticket: UInt64 = state.withLock { state in
            state.nextTicket &+= 1
            return state.nextTicket
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let registered = state.withLock { state -> Bool in
                    guard (state.rings[key] ?? 0) == seen, !Task.isCancelled else { return false }
                    state.waiting.append((key, ticket, continuation))
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
        let found = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let index = state.waiting.firstIndex(where: { $0.ticket == ticket }) else { return nil }
            return state.waiting.remove(at: index).continuation
        }
        found?.resume()
    }
}
