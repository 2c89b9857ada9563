import FlowEngine
import Testing

@Suite("Calendar: cron")
struct CalendarCronTests {
    static func t(_ text: String) -> Instant { Instant(iso8601: text)! }
    static let utc = ZoneRules(identifier: "UTC")!
    static let newYork = ZoneRules(identifier: "America/New_York")!

    @Test(
        "next fire in UTC for every field form",
        arguments: [
            ("* * * * *", "2026-07-08T10:00:30Z", "2026-07-08T10:01:00Z"),
            ("*/15 * * * *", "2026-07-08T10:00:00Z", "2026-07-08T10:15:00Z"),
            ("5,35 * * * *", "2026-07-08T10:10:00Z", "2026-07-08T10:35:00Z"),
            ("0 9-11 * * *", "2026-07-08T11:00:00Z", "2026-07-09T09:00:00Z"),
            ("0 8-18/5 * * *", "2026-07-08T13:01:00Z", "2026-07-08T18:00:00Z"),
            ("30 9 1 * *", "2026-07-08T00:00:00Z", "2026-08-01T09:30:00Z"),
            ("0 0 1 JAN *", "2026-07-08T00:00:00Z", "2027-01-01T00:00:00Z"),
            ("0 12 * * MON-FRI", "2026-07-10T12:00:00Z", "2026-07-13T12:00:00Z"),  // Fri → Mon
            ("0 12 * * 7", "2026-07-08T00:00:00Z", "2026-07-12T12:00:00Z"),  // 7 is Sunday
            ("0 0 13 * FRI", "2026-07-08T00:00:00Z", "2026-07-10T00:00:00Z"),  // Vixie: dom OR dow
            ("0 0 29 2 *", "2026-07-08T00:00:00Z", "2028-02-29T00:00:00Z"),
            ("0 0 */10 * *", "2026-07-08T00:00:00Z", "2026-07-11T00:00:00Z"),
            ("@hourly", "2026-07-08T10:59:59Z", "2026-07-08T11:00:00Z"),
            ("@daily", "2026-07-08T10:00:00Z", "2026-07-09T00:00:00Z"),
            ("@weekly", "2026-07-08T10:00:00Z", "2026-07-12T00:00:00Z"),
            ("@monthly", "2026-07-08T10:00:00Z", "2026-08-01T00:00:00Z"),
            ("@yearly", "2026-07-08T10:00:00Z", "2027-01-01T00:00:00Z"),
        ])
    func nextFire(cron: String, after: String, expected: String) throws {
        let schedule = try CronSchedule(parsing: cron)
        #expect(schedule.nextFire(after: Self.t(after), in: Self.utc, dst: .shift) == Self.t(expected))
    }

    @Test("a schedule that never fires returns nil quickly")
    func never() throws {
        #expect(
            try CronSchedule(parsing: "0 0 31 2 *").nextFire(
                after: Self.t("2026-01-01T00:00:00Z"), in: Self.utc, dst: .shift) == nil)
    }

    @Test(
        "local-time semantics across DST in New York",
        arguments: [
            // Ordinary day: 09:00 EDT.
            ("0 9 * * *", ScheduleTrigger.DSTPolicy.shift, "2026-07-08T00:00:00Z", "2026-07-08T13:00:00Z"),
            // 2026-03-08 02:30 does not exist: shift fires at 03:00 EDT (07:00Z); skip goes to the next day.
            ("30 2 * * *", .shift, "2026-03-08T05:00:00Z", "2026-03-08T07:00:00Z"),
            ("30 2 * * *", .skip, "2026-03-08T05:00:00Z", "2026-03-09T06:30:00Z"),
            // Several gap minutes shift to one fire time, once.
            ("*/20 2 * * *", .shift, "2026-03-08T07:00:00Z", "2026-03-09T06:00:00Z"),
            // 2026-11-01 01:30 happens twice: fire at the first (EDT, 05:30Z) …
            ("30 1 * * *", .shift, "2026-11-01T04:00:00Z", "2026-11-01T05:30:00Z"),
            // … and not again at the second (EST, 06:30Z).
            ("30 1 * * *", .shift, "2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z"),
            // Hourly through the overlap: 01:00 EDT, then 02:00 EST.
            ("0 * * * *", .shift, "2026-11-01T05:00:00Z", "2026-11-01T07:00:00Z"),
        ])
    func dst(cron: String, policy: ScheduleTrigger.DSTPolicy, after: String, expected: String) throws {
        let schedule = try CronSchedule(parsing: cron)
        #expect(schedule.nextFire(after: Self.t(after), in: Self.newYork, dst: policy) == Self.t(expected))
    }

    @Test(
        "parse errors say why and at which column",
        arguments: [
            ("* * * *", 8, "expected 5 fields"),
            ("* * * * * *", 11, "expected 5 fields"),
            ("60 * * * *", 1, "minute: 60 is outside 0-59"),
            ("0 24 * * *", 3, "hour: 24"),
            ("0 0 0 * *", 5, "day-of-month: 0"),
            ("0 0 * FOO *", 7, "month: 'FOO'"),
            ("0 0 * * 1,XYZ", 11, "day-of-week: 'XYZ'"),
            ("*/0 * * * *", 1, "step"),
            ("0 5-2 * * *", 3, "runs backwards"),
            ("@often", 1, "unknown macro"),
            ("0,,5 * * * *", 3, "empty list item"),
        ])
    func errors(cron: String, column: Int, fragment: String) {
        #expect {
            try CronSchedule(parsing: cron)
        } throws: { error in
            guard let error = error as? CronError else { return false }
            return error.column == column && error.message.contains(fragment)
        }
    }

    @Test("a year of weekday fires is stepped one fire at a time (the speed is `flow-bench`'s, not a test's)")
    func yearOfWeekdayFires() throws {
        let schedule = try CronSchedule(parsing: "15 9 * * MON-FRI")
        var at = Self.t("2026-01-01T00:00:00Z")
        var fires = 0
        while let next = schedule.nextFire(after: at, in: Self.newYork, dst: .shift),
            next < Self.t("2027-01-01T00:00:00Z")
        {
            #expect(next > at)
            at = next
            fires += 1
        }
        #expect(fires == 261)
    }
}
