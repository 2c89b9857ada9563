import FlowEngine
import FlowRuntime
import Travel
import Foundation
import Synchronization

/// A store that forwards everything to `base` (`FlowStoreDecorator`) and observes commits: it counts them and reports,
/// for each instance that reaches a finished status, the wall-clock instant its final commit
/// returned (instance latency and timer lateness are measured from it). Benchmarks only.
final class ObservedStore<Base: FlowStore>: FlowStoreDecorator {
    let base: Base
    let commits = Atomic<Int>(0)
    private let finished: Mutex<[String: Double]> = Mutex([:])
    private let waiters: Mutex<[String: CheckedContinuation<Double, Never>]> = Mutex([:])

    init(_ base: Base) { self.base = base }

    /// Seconds since 1970 as a Double: the clock both sides of a latency use.
    static func seconds() -> Double { Date().timeIntervalSince1970 }

    /// Waits until `id` finishes; returns the instant (seconds since 1970) its last commit returned.
    func finish(of id: String) async -> Double {
        await withCheckedContinuation { continuation in
            // Lock order finished → waiters, as in `commit`, so a finish is never missed.
            let done: Double? = finished.withLock { done in
                if let at = done.removeValue(forKey: id) { return at }
                waiters.withLock { $0[id] = continuation }
                return nil
            }
            if let done { continuation.resume(returning: done) }
        }
    }

    /// Every finish recorded so far (and forgets them), for benchmarks that do not wait per instance.
    func drainFinished() -> [String: Double] {
        finished.withLock { all in
            defer { all = [:] }
            return all
        }
    }

    func commit(_ transition: TransitionRecord, owner: String) async throws {
        try await base.commit(transition, owner: owner)
        commits.add(1, ordering: .relaxed)
        guard transition.status.isFinished else { return }
        let at = Self.seconds()
        let id = transition.instanceID
        let waiter: CheckedContinuation<Double, Never>? = finished.withLock { done in
            if let waiter = waiters.withLock({ $0.removeValue(forKey: id) }) { return waiter }
            done[id] = at
            return nil
        }
        waiter?.resume(returning: at)
    }
}
