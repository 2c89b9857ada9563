public import FlowEngine
import Synchronization

/// Snapshots shared by every `aeroapi.flight` call, per flight instance, for a fixed time
/// measured on the caller's clock (so dry-runs on a virtual clock behave like production).
public final class FlightSnapshotCache: Sendable {
    public let lifetime: TimeSpan
    private let entries = Mutex<[String: (storedAt: Instant, snapshot: Value)]>([:])

    public init(lifetime: TimeSpan = .minutes(5)) {
        self.lifetime = lifetime
    }

    /// A snapshot stored under `key` less than `lifetime` before `now`.
    public func snapshot(for key: String, now: Instant) -> Value? {
        entries.withLock { entries in
            guard let entry = entries[key] else { return nil }
            guard now - entry.storedAt < lifetime, now >= entry.storedAt else {
                entries[key] = nil
                return nil
            }
            return entry.snapshot
        }
    }

    public func store(_ snapshot: Value, under keys: [String], now: Instant) {
        entries.withLock { entries in
            for key in keys { entries[key] = (now, snapshot) }
            if entries.count > 10_000 { entries = entries.filter { now - $0.value.storedAt < lifetime } }
        }
    }

    public var count: Int { entries.withLock { $0.count } }
}
