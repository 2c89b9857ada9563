extension BuiltinFunctions {
    /// Calendar days and schedules in a zone: a per-day budget resets at the local midnight; a
    /// per-user schedule fires at its local times.
    static let dayFunctions: [BuiltinFunction] = [
        function(
            "start_of_next_day", 2...2, "start_of_next_day(instant, zone) -> instant",
            "The next local midnight in the zone: the first instant of the calendar day after the instant's (a midnight skipped by DST moves forward).",
            example:
                "start_of_next_day(instant('2026-07-08T20:45:00Z'), 'Europe/London')  →  2026-07-08T23:00:00Z"
        ) { a throws(EvaluationError) in
            .instant(try a.zone(1).startOfNextDay(after: try a.instant(0)))
        },
        function(
            "next_cron", 3...3, "next_cron(cron, instant, zone) -> instant",
            "The first fire of a five-field cron expression strictly after the instant, read as wall time in the zone (a time skipped by DST fires at the first instant after the gap; a repeated one fires once). A per-user schedule in the user's zone.",
            example: "next_cron('0 9 * * *', instant('2026-10-24T07:30:00Z'), 'Europe/Madrid')  →  2026-10-25T08:00:00Z"
        ) { a throws(EvaluationError) in
            let text = try a.string(0)
            let schedule: CronSchedule
            do {
                schedule = try CronSchedule(parsing: text)
            } catch {
                throw a.failure("cron '\(text)': \(error)")
            }
            guard let fire = schedule.nextFire(after: try a.instant(1), in: try a.zone(2), dst: .shift) else {
                throw a.failure("cron '\(text)' never fires")
            }
            return .instant(fire)
        },
    ]
}
