/// A wall-clock date and time in some zone, without the zone (what a clock on the wall shows).
public struct LocalDateTime: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var date: CivilDate
    public var hour: Int
    public var minute: Int
    public var second: Int

    public init(date: CivilDate, hour: Int, minute: Int, second: Int = 0) {
        self.date = date
        self.hour = hour
        self.minute = minute
        self.second = second
    }

    /// Parses `YYYY-MM-DDTHH:MM[:SS]` (a space may replace `T`); any zone or offset is rejected.
    public init?(parsing text: String) {
        let b = Array(text.utf8)
        guard b.count == 16 || b.count == 19 else { return nil }
        func number(_ from: Int, _ count: Int) -> Int? {
            var v = 0
            for k in from..<(from + count) {
                guard b[k] >= 48, b[k] <= 57 else { return nil }
                v = v * 10 + Int(b[k] - 48)
            }
            return v
        }
        guard let y = number(0, 4), b[4] == 45, let mo = number(5, 2), b[7] == 45, let d = number(8, 2),
              b[10] == 84 || b[10] == 32, let h = number(11, 2), b[13] == 58, let mi = number(14, 2),
              (1...12).contains(mo), d >= 1, d <= CivilDate.daysIn(month: mo, year: y), h < 24, mi < 60
        else { return nil }
        var s = 0
        if b.count == 19 {
            guard b[16] == 58, let sec = number(17, 2), sec < 60 else { return nil }
            s = sec
        }
        self.init(date: CivilDate(year: y, month: mo, day: d), hour: h, minute: mi, second: s)
    }

    /// Seconds since 1970-01-01T00:00:00 as if this wall time were UTC.
    public var secondsSinceEpochAsUTC: Int64 {
        Int64(date.daysSinceEpoch) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
    }

    public init(secondsSinceEpochAsUTC seconds: Int64) {
        let days = Int(seconds.floorDivided(by: 86_400))
        let rest = Int(seconds - Int64(days) * 86_400)
        self.init(date: CivilDate(daysSinceEpoch: days), hour: rest / 3600, minute: rest % 3600 / 60, second: rest % 60)
    }

    /// Minutes after local midnight.
    public var minuteOfDay: Int { hour * 60 + minute }

    public static func < (lhs: LocalDateTime, rhs: LocalDateTime) -> Bool {
        lhs.secondsSinceEpochAsUTC < rhs.secondsSinceEpochAsUTC
    }

    /// `2026-07-08T22:05:00`.
    public var description: String {
        "\(pad(date.year, 4))-\(pad(date.month, 2))-\(pad(date.day, 2))T\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2))"
    }
}
