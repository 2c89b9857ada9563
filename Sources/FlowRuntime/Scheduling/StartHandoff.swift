public import FlowEngine
import Synchronization

/// How a starter hands a new instance's first transition to this process's worker: the starter
/// creates the instance already leased to the worker's owner and hands over the state and the
/// step calls its first transition asked for; the worker performs them at once, without claiming
/// and without rebuilding the calls from the stored state. Only when this process dies before the
/// worker ran them does the lease expire, and a worker anywhere claims the instance and re-issues
/// the calls from its state (`StepInvocation.outstanding`, the crash path).
public final class StartHandoff: Sendable {
    /// A new instance whose first calls this process's worker performs.
    public struct Start: Sendable {
        public var record: InstanceRecord
        public var flow: Flow
        public var state: InstanceState
        public var calls: [StepInvocation]
    }

    /// The worker's lease owner name: the instance is created leased to it.
    public let owner: String
    /// How long that first lease lasts (the worker's lease).
    public let lease: TimeSpan
    private let pending = Mutex<[Start]>([])
    /// Rung by `hand`: the worker's relay of handed starts waits on it.
    private let signal = Signal()

    public init(owner: String, lease: TimeSpan) {
        self.owner = owner
        self.lease = lease
    }

    /// Hands a created instance over; the worker's relay takes it at once.
    public func hand(_ start: Start) {
        pending.withLock { $0.append(start) }
        signal.ring("", all: true)
    }

    /// How many times `hand` was called; read it before `takeAll` and pass it to `wait`.
    public var handed: UInt64 { signal.rings("") }

    /// Returns at the next `hand` after `seen` (at once when there was one), after `duration`, or
    /// at cancellation.
    public func wait(after seen: UInt64, for duration: Duration) async {
        await signal.wait("", after: seen, atMost: duration)
    }

    /// Every start handed over since the last call, oldest first.
    public func takeAll() -> [Start] {
        pending.withLock { starts in
            defer { starts = [] }
            return starts
        }
    }
}
