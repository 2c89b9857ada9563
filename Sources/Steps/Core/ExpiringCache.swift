public import FlowEngine
import Synchronization

/// Answers shared by every call of a step in one process (one daemon, one dry-run), per key, for a
/// fixed time measured on the caller's clock (so dry-runs on a virtual clock behave like production).
/// At most about 10,000 keys: past that, expired entries are dropped when one is stored.
public final class ExpiringCache<Entry: Sendable>: Sendable {
    public let lifetime: TimeSpan
    private let entries = Mutex<[String: (storedAt: Instant, entry: Entry)]>([:])

    public init(lifetime: TimeSpan) {
        self.lifetime = lifetime
    }

    /// The entry stored under `key` less than `lifetime` before `now`.
    public func entry(for key: String, now: Instant) -> Entry? {
        entries.withLock { entries in
            guard let stored = entries[key] else { return nil }
            guard now - stored.storedAt < lifetime, now >= stored.storedAt else {
                entries[key] = nil
                return nil
            }
            return stored.entry
        }
    }

    /// Stores `entry` under each of `keys`.
    public func store(_ entry: Entry, under keys: [String], now: Instant) {
        entries.withLock { entries in
            for key in keys { entries[key] = (now, entry) }
            if entries.count > 10_000 { entries = entries.filter { now - $0.value.storedAt < lifetime } }
        }
    }

    public var count: Int { entries.withLock { $0.count } }
}

/// `aeroapi.flight`'s snapshots, per flight instance (5 minutes by default, `AeroAPIFlightStep`).
public typealias FlightSnapshotCache = ExpiringCache<Value>

/// `weather.forecast`'s daily numbers per airport and local date (3 hours by default,
/// `WeatherForecastStep`): the numbers, not the text, so travellers of every language share them.
public typealias ForecastCache = ExpiringCache<DailyForecast>
