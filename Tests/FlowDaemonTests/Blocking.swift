import Foundation

/// Runs blocking work — a child process waited for to its end — on a thread of its own.
///
/// Swift concurrency's cooperative pool has one thread per core (two on our machines), and
/// swift-testing runs the tests on it in parallel: a test that waits synchronously for `initdb`
/// or a `flowctl` child holds one of those threads, and two such tests stalled every other test
/// of the run (≈ 11 s at the start of a CI run; a timing-sensitive test then saw a world that had
/// moved on). Blocking waits go through here instead.
enum Blocking {
    static func run<Result: Sendable>(_ body: @escaping @Sendable () throws -> Result) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Swift.Result { try body() }) }.start()
        }
    }
}
