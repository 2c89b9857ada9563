public import FlowEngine
import Synchronization

/// Forecasts shared by every `weather.forecast` call of one process (one daemon, one dry-run), per
/// airport and local date, for a fixed time measured on the caller's clock: every trip to a
/// destination on a day asks Open-Meteo once per `lifetime`. The cached value is the day's numbers,
/// not the text, so travellers of different languages share it.
public final class ForecastCache: Sendable {
    public let lifetime: TimeSpan
    private let entries = Mutex<[String: (storedAt: Instant, forecast: DailyForecast)]>([:])

    public init(lifetime: TimeSpan = .hours(3)) {
        self.lifetime = lifetime
    }

    /// The forecast stored under `key` less than `lifetime` before `now`.
    public func forecast(for key: String, now: Instant) -> DailyForecast? {
        entries.withLock { entries in
            guard let entry = entries[key] else { return nil }
            guard now - entry.storedAt < lifetime, now >= entry.storedAt else {
                entries[key] = nil
                return nil
            }
            return entry.forecast
        }
    }

    public func store(_ forecast: DailyForecast, under key: String, now: Instant) {
        entries.withLock { entries in
            entries[key] = (now, forecast)
            if entries.count > 10_000 { entries = entries.filter { now - $0.value.storedAt < lifetime } }
        }
    }

    public var count: Int { entries.withLock { $0.count } }
}
