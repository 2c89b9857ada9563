/// Wakes an idle `InstanceWorker` of this process at once when work becomes due here (an
/// instance started, an event delivered), instead of waiting out its poll interval. Work created
/// by other processes is still found by polling (and timers by the claim's next wake-up).
///
/// Each `ring()` wakes one waiting worker (the oldest waiter first); a ring that arrives between
/// a worker's claim and its wait is not lost, because the worker passes the ring count it saw
/// before claiming and returns at once when it has moved on.
public final class WorkerWakeup: Sendable {
    private let signal = Signal()

    public init() {}

    /// How many times `ring()` was called; read it before claiming and pass it to `wait`.
    public var rings: UInt64 { signal.rings("") }

    /// Announces new work: wakes the longest-waiting worker, if one waits.
    public func ring() { signal.ring("", all: false) }

    /// Returns after `duration`, at a `ring()`, or at cancellation, whichever comes first; at once
    /// when there were rings since `seen`.
    public func wait(after seen: UInt64, for duration: Duration) async {
        await signal.wait("", after: seen, atMost: duration)
    }
}
