extension BuiltinFunctions {
    /// Calendar days in a zone: a per-day budget resets at the local midnight.
    static let dayFunctions: [BuiltinFunction] = [
        function(
            "start_of_next_day", 2...2, "start_of_next_day(instant, zone) -> instant",
            "The next local midnight in the zone: the first instant of the calendar day after the instant's (a midnight skipped by DST moves forward).",
            example:
                "start_of_next_day(instant('2026-07-08T20:45:00Z'), 'Europe/London')  →  2026-07-08T23:00:00Z"
        ) { a throws(EvaluationError) in
            .instant(try a.zone(1).startOfNextDay(after: try a.instant(0)))
        },
    ]
}
