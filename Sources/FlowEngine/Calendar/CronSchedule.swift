/// Why a cron expression does not parse, and the 1-based column in the cron text.
public struct CronError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public var column: Int

    public init(message: String, column: Int) {
        self.message = message
        self.column = column
    }

    public var description: String { "column \(column): \(message)" }
}

/// A five-field cron schedule (minute hour day-of-month month day-of-week) read in local time.
///
/// Fields accept `*`, numbers, lists `1,15`, ranges `1-5`, steps `*/15` and `8-18/2`, month
/// names `JAN`…`DEC` and weekday names `SUN`…`SAT` (0 and 7 are Sunday). Macros: `@hourly`,
/// `@daily` (`@midnight`), `@weekly`, `@monthly`, `@yearly` (`@annually`). As in Vixie cron, when
/// both day-of-month and day-of-week are restricted (do not start with `*`), a day matching
/// either fires.
public struct CronSchedule: Sendable, Hashable, CustomStringConvertible {
    public let text: String
    /// Sorted minutes 0–59 and hours 0–23 that fire.
    let minutes: [Int]
    let hours: [Int]
    /// Bit n set when day-of-month n (1–31), month n (1–12), weekday n (0–6, Sunday 0) fires.
    let daysOfMonth: UInt64
    let months: UInt64
    let daysOfWeek: UInt64
    let dayOfMonthRestricted: Bool
    let dayOfWeekRestricted: Bool

    private static let macros = [
        "@hourly": "0 * * * *", "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@weekly": "0 0 * * 0",
        "@monthly": "0 0 1 * *", "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *",
    ]
    private static let monthNames = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
    private static let weekdayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]

    public init(parsing text: String) throws(CronError) {
        self.text = text
        let scalars = Array(text.unicodeScalars)
        // Split into fields, remembering each one's 1-based column.
        var fields: [(text: String, column: Int)] = []
        var index = 0
        while index < scalars.count {
            if scalars[index].properties.isWhitespace {
                index += 1
                continue
            }
            let start = index
            while index < scalars.count, !scalars[index].properties.isWhitespace { index += 1 }
            fields.append((String(String.UnicodeScalarView(scalars[start..<index])), start + 1))
        }
        if fields.count == 1, fields[0].text.hasPrefix("@") {
            guard let expansion = Self.macros[fields[0].text.lowercased()] else {
                throw CronError(
                    message: "unknown macro '\(fields[0].text)' (use @hourly, @daily, @weekly, @monthly or @yearly)",
                    column: fields[0].column)
            }
            fields = expansion.split(separator: " ").map { (String($0), fields[0].column) }
        }
        guard fields.count == 5 else {
            throw CronError(
                message: "expected 5 fields (minute hour day-of-month month day-of-week), found \(fields.count)",
                column: fields.count > 5 ? fields[5].column : scalars.count + 1)
        }
        let minuteBits = try Self.field(fields[0], "minute", 0...59, names: [])
        let hourBits = try Self.field(fields[1], "hour", 0...23, names: [])
        daysOfMonth = try Self.field(fields[2], "day-of-month", 1...31, names: [])
        months = try Self.field(fields[3], "month", 1...12, names: Self.monthNames, firstName: 1)
        var weekdays = try Self.field(fields[4], "day-of-week", 0...7, names: Self.weekdayNames, firstName: 0)
        if weekdays & (1 << 7) != 0 { weekdays = (weekdays | 1) & ~(1 << 7) }
        daysOfWeek = weekdays
        minutes = (0...59).filter { minuteBits & (1 << UInt64($0)) != 0 }
        hours = (0...23).filter { hourBits & (1 << UInt64($0)) != 0 }
        dayOfMonthRestricted = !fields[2].text.hasPrefix("*")
        dayOfWeekRestricted = !fields[4].text.hasPrefix("*")
    }

    /// Parses one field into a bit set.
    private static func field(
        _ field: (text: String, column: Int), _ what: String, _ range: ClosedRange<Int>, names: [String],
        firstName: Int = 0
    ) throws(CronError) -> UInt64 {
        var bits: UInt64 = 0
        var column = field.column
        for item in field.text.split(separator: ",", omittingEmptySubsequences: false) {
            defer { column += item.unicodeScalars.count + 1 }
            func fail(_ message: String) -> CronError { CronError(message: "\(what): \(message)", column: column) }
            func value(_ text: Substring) throws(CronError) -> Int {
                if let n = Int(text) {
                    guard range.contains(n) else {
                        throw fail("\(n) is outside \(range.lowerBound)-\(range.upperBound)")
                    }
                    return n
                }
                if let i = names.firstIndex(of: text.uppercased()) { return i + firstName }
                throw fail("'\(text)' is not a number\(names.isEmpty ? "" : " or a name such as \(names[0])")")
            }
            guard !item.isEmpty else { throw fail("empty list item") }
            let parts = item.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
            var step = 1
            if parts.count == 2 {
                guard let s = Int(parts[1]), s > 0 else { throw fail("step '\(parts[1])' must be a positive number") }
                step = s
            }
            let base = parts[0]
            let low: Int
            let high: Int
            if base == "*" {
                (low, high) = (range.lowerBound, range.upperBound)
            } else if let dash = base.firstIndex(of: "-") {
                low = try value(base[..<dash])
                high = try value(base[base.index(after: dash)...])
                guard low <= high else { throw fail("range \(base) runs backwards") }
            } else {
                low = try value(base)
                high = parts.count == 2 ? range.upperBound : low
            }
            for v in stride(from: low, through: high, by: step) { bits |= 1 << UInt64(v) }
        }
        return bits
    }

    /// Whether the schedule fires on a local calendar date.
    public func matches(_ date: CivilDate) -> Bool {
        guard months & (1 << UInt64(date.month)) != 0 else { return false }
        let dom = daysOfMonth & (1 << UInt64(date.day)) != 0
        let dow = daysOfWeek & (1 << UInt64(date.weekday)) != 0
        if dayOfMonthRestricted && dayOfWeekRestricted { return dom || dow }
        return dom && dow
    }

    /// The first fire time strictly after `after`, reading the fields as wall time in `zone`.
    /// A wall time in a spring-forward gap fires at the first instant after the gap (`shift`) or
    /// not at all (`skip`); one repeated by a fall-back overlap fires once, at its first occurrence.
    /// Walks days, not minutes; nil when nothing fires within 30 years (e.g. `0 0 31 2 *`).
    public func nextFire(after: Instant, in zone: ZoneRules, dst: ScheduleTrigger.DSTPolicy) -> Instant? {
        let start = zone.localDateTime(of: after)
        let firstDay = start.date.daysSinceEpoch
        for day in firstDay...(firstDay + 366 * 30) {
            let date = CivilDate(daysSinceEpoch: day)
            guard matches(date) else { continue }
            for hour in hours where day > firstDay || hour >= start.hour {
                for minute in minutes where day > firstDay || hour > start.hour || minute >= start.minute {
                    let local = LocalDateTime(date: date, hour: hour, minute: minute)
                    let candidate: Instant
                    switch zone.resolve(local) {
                    case .unique(let t), .overlap(let t, _): candidate = t
                    case .gap(_, let transition):
                        guard dst == .shift else { continue }
                        candidate = transition
                    }
                    if candidate > after { return candidate }
                }
            }
        }
        return nil
    }

    public var description: String { text }
}
