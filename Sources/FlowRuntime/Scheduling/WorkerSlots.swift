import Synchronization

/// The instances one worker runs at once: at most `capacity`. A finished instance frees its slot
/// at once, so a slow provider call holds one slot rather than its whole claim batch; the worker
/// claims again once `refill` slots are free (one claim statement for several instances).
final class WorkerSlots: Sendable {
    let capacity: Int
    /// Free slots that make a new claim worth its statement: half the capacity.
    let refill: Int
    private let inFlight = Mutex(0)
    private let freed = Signal()

    init(capacity: Int) {
        self.capacity = max(1, capacity)
        refill = max(1, self.capacity / 2)
    }

    /// Slots free now.
    var free: Int { capacity - inFlight.withLock { $0 } }

    /// How many slots were freed so far: read it before `free`, and pass it to `waitForFree`.
    var frees: UInt64 { freed.rings("") }

    /// Takes `count` slots, for the instances a claim returned.
    func take(_ count: Int) {
        inFlight.withLock { $0 += count }
    }

    /// Frees one slot and wakes the waiting claim loop.
    func release() {
        inFlight.withLock { $0 -= 1 }
        freed.ring("", all: true)
    }

    /// Returns when a slot was freed after `seen` (at once if one was), after `duration`, or at cancellation.
    func waitForFree(after seen: UInt64, atMost duration: Duration) async {
        await freed.wait("", after: seen, atMost: duration)
    }
}
