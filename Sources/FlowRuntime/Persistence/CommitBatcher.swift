import Synchronization

/// How a store groups the commits of several instances (group commit).
///
/// Commits that arrive while `maxInFlight` batches are being written wait and leave together, up to
/// `maxBatch` in one statement; there is no timer, so a commit on an idle store leaves at once and
/// a batch grows only as large as the load makes it. `maxBatch: 1` writes every commit alone.
public struct CommitBatching: Sendable, Hashable {
    public var maxBatch: Int
    public var maxInFlight: Int

    public init(maxBatch: Int, maxInFlight: Int) {
        self.maxBatch = max(1, maxBatch)
        self.maxInFlight = max(1, maxInFlight)
    }

    /// The default (docs/benchmarks.md, "Group commit", has the measurements behind it).
    public static let standard = CommitBatching(maxBatch: 32, maxInFlight: 2)

    /// `FLOW_COMMIT_BATCH` (the largest batch; 1 turns grouping off) and `FLOW_COMMIT_BATCHES_IN_FLIGHT`.
    public static func fromEnvironment(_ environment: [String: String]) -> CommitBatching {
        var batching = standard
        if let text = environment["FLOW_COMMIT_BATCH"], let value = Int(text), value > 0 {
            batching.maxBatch = value
        }
        if let text = environment["FLOW_COMMIT_BATCHES_IN_FLIGHT"], let value = Int(text), value > 0 {
            batching.maxInFlight = value
        }
        return batching
    }
}

/// Queues items and hands them to `send` in batches: at most `maxInFlight` sends at once, each of
/// at most `maxBatch` items, in arrival order. `send` (the same function from every submitter)
/// answers each item's outcome in order; each submitter gets its own.
final class CommitBatcher<Item: Sendable, Output: Sendable>: Sendable {
    private struct Waiting: Sendable {
        var item: Item
        var continuation: CheckedContinuation<Output, any Error>
    }

    private struct Queue: Sendable {
        var waiting: [Waiting] = []
        var sending = 0
    }

    let batching: CommitBatching
    private let queue = Mutex(Queue())

    init(_ batching: CommitBatching) {
        self.batching = batching
    }

    /// Returns `item`'s outcome once it was written in some batch; throws its own failure.
    func submit(
        _ item: Item, send: @escaping @Sendable ([Item]) async -> [Result<Output, any Error>]
    ) async throws -> Output {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Output, any Error>) in
            let start = queue.withLock { queue -> Bool in
                queue.waiting.append(Waiting(item: item, continuation: continuation))
                guard queue.sending < batching.maxInFlight else { return false }
                queue.sending += 1
                return true
            }
            if start { Task { await drain(send) } }
        }
    }

    /// Sends batches until nothing waits.
    private func drain(_ send: @Sendable ([Item]) async -> [Result<Output, any Error>]) async {
        while let batch = nextBatch() {
            let results = await send(batch.map(\.item))
            for (index, waiting) in batch.enumerated() {
                waiting.continuation.resume(
                    with: index < results.count ? results[index] : .failure(StoreError(.corrupt, "no outcome for a batched commit")))
            }
        }
    }

    private func nextBatch() -> [Waiting]? {
        queue.withLock { queue in
            guard !queue.waiting.isEmpty else {
                queue.sending -= 1
                return nil
            }
            let count = min(batching.maxBatch, queue.waiting.count)
            defer { queue.waiting.removeFirst(count) }
            return Array(queue.waiting.prefix(count))
        }
    }
}
