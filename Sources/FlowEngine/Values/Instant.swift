/// A point in time, UTC, with millisecond precision. Stored once, never re-converted (R2).
public struct Instant: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    public var epochMilliseconds: Int64

    public init(epochMilliseconds: Int64) {
        self.epochMilliseconds = epochMilliseconds
    }

    public init(epochSeconds: Int64) {
        self.epochMilliseconds = epochSeconds * 1000
    }

    public var epochSeconds: Int64 { epochMilliseconds.floorDivided(by: 1000) }

    public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.epochMilliseconds < rhs.epochMilliseconds }

    public static func + (lhs: Instant, rhs: TimeSpan) -> Instant {
        Instant(epochMilliseconds: lhs.epochMilliseconds + rhs.milliseconds)
    }

    public static func - (lhs: Instant, rhs: TimeSpan) -> Instant {
        Instant(epochMilliseconds: lhs.epochMilliseconds - rhs.milliseconds)
    }

    public static func - (lhs: Instant, rhs: Instant) -> TimeSpan {
        TimeSpan(milliseconds: lhs.epochMilliseconds - rhs.epochMilliseconds)
    }

    /// ISO-8601 in UTC: `2026-07-08T10:00:00Z`, with `.mmm` only when milliseconds are not zero.
    public var description: String { iso8601 }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let instant = Instant(iso8601: text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "'\(text)' is not an ISO-8601 instant with a zone")
        }
        self = instant
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(iso8601)
    }
}

extension Int64 {
    /// Division rounding toward negative infinity.
    func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
