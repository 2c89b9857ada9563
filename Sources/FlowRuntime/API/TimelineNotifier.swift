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
    }

    /// Returns at an announcement for `instanceID` after `seen`, after `duration`, or at
    /// cancellation, whichever comes first.
    public func wait(for instanceID: String, after seen: UInt64, atMost duration: Duration) async {
        await signal.wait(instanceID, after: seen, atMost: duration)
    }
}
