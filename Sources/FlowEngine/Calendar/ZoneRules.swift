import Foundation
import Synchronization

/// The UTC offsets of one IANA time zone over time (Foundation's tz database), with the
/// conversions between instants and local wall time that calendar math needs.
public struct ZoneRules: Sendable, Hashable {
    /// What to do with a wall time that does not exist because clocks jumped forward.
    public enum GapPolicy: Sendable, Hashable {
        /// Move forward by the length of the gap (02:30 in a one-hour gap becomes 03:30).
        case shiftForward
        /// No instant.
        case skip
    }

    public let identifier: String
    private let timeZone: TimeZone

    private static let known = Mutex<[String: TimeZone?]>([:])

    /// nil when the identifier is not an IANA zone Foundation knows. `TimeZone` objects are cached.
    public init?(identifier: String) {
        let cached = Self.known.withLock { $0[identifier] }
        let zone: TimeZone?
        if let cached {
            zone = cached
        } else {
            // Foundation also accepts abbreviations such as "EST"; require a region name or UTC.
            let looksIANA = identifier.contains("/") || identifier == "UTC" || identifier == "GMT"
            zone = looksIANA ? TimeZone(identifier: identifier) : nil
            Self.known.withLock { $0[identifier] = .some(zone) }
        }
        guard let zone else { return nil }
        self.identifier = identifier
        self.timeZone = zone
    }

    public static func == (lhs: ZoneRules, rhs: ZoneRules) -> Bool { lhs.identifier == rhs.identifier }
    public func hash(into hasher: inout Hasher) { hasher.combine(identifier) }

    /// Seconds east of UTC in force at the instant.
    public func offset(at instant: Instant) -> Int {
        offset(atEpochSeconds: instant.epochSeconds)
    }

    func offset(atEpochSeconds seconds: Int64) -> Int {
        timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }

    /// The wall time at the instant (seconds precision).
    public func localDateTime(of instant: Instant) -> LocalDateTime {
        let seconds = instant.epochSeconds
        return LocalDateTime(secondsSinceEpochAsUTC: seconds + Int64(offset(atEpochSeconds: seconds)))
    }

    /// The instant a wall time denotes. In a fall-back overlap the first occurrence is taken;
    /// in a spring-forward gap `gap` decides.
    public func instant(of local: LocalDateTime, gap: GapPolicy) -> Instant? {
        switch resolve(local) {
        case .unique(let t), .overlap(let t, _): return t
        case .gap(let shifted, _): return gap == .shiftForward ? shifted : nil
        }
    }

    /// How a wall time maps to instants.
    enum Resolution: Sendable, Hashable {
        case unique(Instant)
        /// Both occurrences, earlier first.
        case overlap(Instant, Instant)
        /// The wall time does not exist: `shifted` moves it forward by the gap's length;
        /// `transition` is the first instant after the gap.
        case gap(shifted: Instant, transition: Instant)
    }

    func resolve(_ local: LocalDateTime) -> Resolution {
        let l = local.secondsSinceEpochAsUTC
        // Offsets a day before and after bracket any single transition near this wall time.
        let before = Int64(offset(atEpochSeconds: l - 86_400))
        let after = Int64(offset(atEpochSeconds: l + 86_400))
        let first = l - before
        let second = l - after
        let firstValid = Int64(offset(atEpochSeconds: first)) == before
        let secondValid = Int64(offset(atEpochSeconds: second)) == after
        switch (firstValid, secondValid) {
        case (true, true) where first != second:
            return .overlap(Instant(epochSeconds: min(first, second)), Instant(epochSeconds: max(first, second)))
        case (true, _): return .unique(Instant(epochSeconds: first))
        case (false, true): return .unique(Instant(epochSeconds: second))
        case (false, false):
            // Gap: the transition lies between the two candidates; find it by bisection.
            var low = min(first, second)
            var high = max(first, second)
            let lowOffset = offset(atEpochSeconds: low)
            while high - low > 1 {
                let middle = low + (high - low) / 2
                if offset(atEpochSeconds: middle) == lowOffset { low = middle } else { high = middle }
            }
            return .gap(shifted: Instant(epochSeconds: l - before), transition: Instant(epochSeconds: high))
        }
    }

    /// ISO-8601 with the local offset, e.g. `2026-07-08T22:05:00+01:00`.
    public func iso8601(_ instant: Instant) -> String {
        instant.iso8601(offsetSeconds: offset(at: instant))
    }
}
