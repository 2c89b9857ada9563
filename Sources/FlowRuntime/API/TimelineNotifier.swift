/// Tells this process's timeline readers (SSE streams) that an instance's timeline grew, so a
/// stream reads the new entries at once instead of waiting for its next poll. Commits in other
/// daemons reach a stream through its poll (`TimelineRoutes.pollInterval`).
public final class TimelineNotifier: Sendable {
    private let signal = Signal()

    public init() {}

    /// How many times `instanceID`'s timeline was announced: read it before reading the store.
    public func version(of instanceID: String) -> UInt64 { signal.rings(instanceID) }

    /// Announces new entries of `instanceID`: wakes every stream waiting on it. `ended`: the
    /// instance has ended, its count is dropped (streams then read the end at once).
    public func announce(_ instanceID: String, ended: Bool = false) {
        signal.ring(instanceID, all: true, forget: ended)
        signal.ring(Self.anyInstance, all: true)
    }

    /// The key every announcement also rings (no instance id has a space).
    static let anyInstance = "any instance"

    /// How many announcements there were, of any instance: for readers of many instances (the
    /// approvals stream).
    public var anyVersion: UInt64 { signal.rings(Self.anyInstance) }

    /// Returns at an announcement of any instance after `seen`, after `duration`, or at cancellation.
    public func waitForAny(after seen: UInt64, atMost duration: Duration) async {
        await signal.wait(Self.anyInstance, after: seen, atMost: duration)
    }

    /// Returns at an announcement for `instanceID` after `seen`, after `duration`, or at
    /// cancellation, whichever comes first.
    public func wait(for instanceID: String, after seen: UInt64, atMost duration: Duration) async {
        await signal.wait(instanceID, after: seen, atMost: duration)
    }
}
