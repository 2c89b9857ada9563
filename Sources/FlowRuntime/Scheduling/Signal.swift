import Synchronization

/// Rings that wake waiting tasks, per key: the primitive under `WorkerWakeup` (one waiter per
/// ring) and `TimelineNotifier` (every waiter of an instance). A ring that comes between a
/// waiter's read of `rings(key)` and its `wait` is not lost: the waiter passes the count it saw
/// and returns at once when the count has moved on.
final class Signal: Sendable {
    private struct State {
        var rings: [String: UInt64] = [:]
        /// Keys rung with `forget`, oldest first: their counts are kept until `forgetAfter` newer
        /// ones pile up, so a waiter that read a count before the last ring still sees it moved.
        var forgotten: [String] = []
        var nextTicket: UInt64 = 0
        var waiting: [(key: String, ticket: UInt64, continuation: CheckedContinuation<Void, Never>)] = []
    }

    /// How many forgotten keys keep their counts.
    static let forgetAfter = 10_000

    private let state = Mutex(State())

    /// How many times `key` was rung.
    func rings(_ key: String) -> UInt64 { state.withLock { $0.rings[key] ?? 0 } }

    /// Rings `key`: wakes its longest waiter, or every waiter when `all`. With `forget`, the key
    /// will not ring again: its count is dropped once `forgetAfter` later keys were forgotten
    /// (until then a late waiter that read an earlier count returns at once, as for any ring).
    func ring(_ key: String, all: Bool, forget: Bool = false) {
        let woken = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.rings[key, default: 0] &+= 1
            if forget {
                state.forgotten.append(key)
                if state.forgotten.count >= 2 * Self.forgetAfter {
                    // Amortized: drop the oldest half at once.
                    for old in state.forgotten.prefix(Self.forgetAfter) { state.rings[old] = nil }
                    state.forgotten.removeFirst(Self.forgetAfter)
                }
            }
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
