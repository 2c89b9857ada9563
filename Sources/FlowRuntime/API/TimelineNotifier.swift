import Synchronization

/// Tells this process's timeline readers (SSE streams) that an instance's timeline grew, so a
/// stream reads the new entries at once instead of waiting for its next poll. Commits in other
/// daemons reach a stream through its poll (`TimelineRoutes.pollInterval`).
public final class TimelineNotifier: Sendable {
    private struct State {
        var versions: [String: UInt64] = [:]
        var waiting: [(instanceID: String, ticket: UInt64, continuation: CheckedContinuation<Void, Never>)] = []
        var nextTicket: UInt64 = 0
    }

    private let state = Mutex(State())

    public init() {}

    /// How many times `instanceID`'s timeline was announced: read it before reading the store.
    public func version(of instanceID: String) -> UInt64 { state.withLock { $0.versions[instanceID] ?? 0 } }

    /// Announces new entries of `instanceID`: wakes every stream waiting on it.
    public func announce(_ instanceID: String) {
        let woken = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.versions[instanceID, default: 0] &+= 1
            let matching = state.waiting.filter { $0.instanceID == instanceID }.map(\.continuation)
            state.waiting.removeAll { $0.instanceID == instanceID }
            return matching
        }
        for continuation in woken { continuation.resume() }
    }

    /// Returns at an announcement for `instanceID` after `seen`, after `duration`, or at
    /// cancellation, whichever comes first.
    public func wait(for instanceID: String, after seen: UInt64, atMost duration: Duration) async {
        let ticket: UInt64 = state.withLock { state in
            state.nextTicket &+= 1
            return state.nextTicket
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let registered = state.withLock { state -> Bool in
                    guard (state.versions[instanceID] ?? 0) == seen, !Task.isCancelled else { return false }
                    state.waiting.append((instanceID, ticket, continuation))
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

    private func release(_ ticket: UInt64) {
        let found = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let index = state.waiting.firstIndex(where: { $0.ticket == ticket }) else { return nil }
            return state.waiting.remove(at: index).continuation
        }
        found?.resume()
    }
}
