extension BuiltinFunctions {
    static let timeFunctions: [BuiltinFunction] = [
        function(
            "instant", 1...1, "instant(text) -> instant",
            "Parses strict ISO-8601 with a zone offset; a time without a zone is an error.",
            example: "instant('2026-07-08T07:00:00-03:00')  →  2026-07-08T10:00:00Z"
        ) { a throws(EvaluationError) in
            if case .instant = a[0] { return a[0] }
            let text = try a.string(0)
            guard let t = Instant(iso8601: text) else {
                throw a.failure("'\(text)' is not an ISO-8601 instant with a zone (e.g. 2026-07-08T10:00:00Z)")
            }
            return .instant(t)
        },
        function(
            "is_instant", 1...1, "is_instant(x) -> bool",
            "Whether x is an instant, or a string `instant(x)` would parse (ISO-8601 with a zone offset); null is false.",
            example: "is_instant('2026-07-08T07:00:00')  →  false"
        ) { a throws(EvaluationError) in
            switch a[0] {
            case .instant: return .bool(true)
            case .string(let text): return .bool(Instant(iso8601: text) != nil)
            default: return .bool(false)
            }
        },
        function(
            "duration", 1...1, "duration(text) -> duration", "Parses a duration such as 90s, 15m, 2h, 1d, 1h30m.",
            example: "duration('1h30m')  →  1h30m"
        ) { a throws(EvaluationError) in .duration(try a.duration(0)) },
        function(
            "from_local", 2...2, "from_local(text, zone) -> instant",
            "Local wall time `YYYY-MM-DDTHH:MM[:SS]` (no offset) in an IANA zone to an instant; a time in a DST gap moves forward, an ambiguous one takes the first occurrence.",
            example: "from_local('2026-07-08T22:05', 'Europe/London')  →  2026-07-08T21:05:00Z"
        ) { a throws(EvaluationError) in
            let text = try a.string(0)
            let zone = try a.zone(1)
            guard let local = LocalDateTime(parsing: text) else {
                throw a.failure("'\(text)' is not a local date-time YYYY-MM-DDTHH:MM[:SS] without an offset")
            }
            return .instant(zone.instant(of: local, gap: .shiftForward)!)
        },
        function(
            "to_local", 2...2, "to_local(instant, zone) -> string",
            "ISO-8601 text of the instant with the zone's offset.",
            example: "to_local(instant('2026-07-08T21:05:00Z'), 'Europe/London')  →  '2026-07-08T22:05:00+01:00'"
        ) { a throws(EvaluationError) in .string(try a.zone(1).iso8601(try a.instant(0))) },
        function(
            "local_date", 2...2, "local_date(instant, zone) -> string", "The local calendar date, YYYY-MM-DD.",
            example: "local_date(instant('2026-07-09T02:00:00Z'), 'America/Argentina/Buenos_Aires')  →  '2026-07-08'"
        ) { a throws(EvaluationError) in
            let d = try a.zone(1).localDateTime(of: try a.instant(0)).date
            return .string(isoDateText(year: d.year, month: d.month, day: d.day))
        },
        function(
            "local_hour", 2...2, "local_hour(instant, zone) -> number", "The local hour, 0–23.",
            example: "local_hour(instant('2026-07-08T21:05:00Z'), 'Europe/London')  →  22"
        ) { a throws(EvaluationError) in .number(Double(try a.zone(1).localDateTime(of: try a.instant(0)).hour)) },
        function(
            "round_to", 2...2, "round_to(instant, duration) -> instant",
            "Rounds to the nearest multiple of the duration since the Unix epoch (UTC); halves round up.",
            example: "round_to(instant('2026-07-08T10:07:31Z'), 15m)  →  2026-07-08T10:00:00Z"
        ) { a throws(EvaluationError) in
            let t = try a.instant(0)
            let step = try a.duration(1).milliseconds
            guard step > 0 else { throw a.failure("the duration must be positive") }
            let floor = t.epochMilliseconds.floorDivided(by: step) * step
            return .instant(
                Instant(epochMilliseconds: t.epochMilliseconds - floor >= step - step / 2 ? floor + step : floor))
        },
        function(
            "floor_to", 2...2, "floor_to(instant, duration) -> instant",
            "Rounds down to a multiple of the duration since the Unix epoch (UTC).",
            example: "floor_to(instant('2026-07-08T10:59:00Z'), 1h)  →  2026-07-08T10:00:00Z"
        ) { a throws(EvaluationError) in
            let t = try a.instant(0)
            let step = try a.duration(1).milliseconds
            guard step > 0 else { throw a.failure("the duration must be positive") }
            return .instant(Instant(epochMilliseconds: t.epochMilliseconds.floorDivided(by: step) * step))
        },
        spanFunction("hours", 3_600_000, example: "hours(1.5)  →  1h30m"),
        spanFunction("minutes", 60_000, example: "minutes(90)  →  1h30m"),
        spanFunction("seconds", 1000, example: "seconds(45)  →  45s"),
        spanFunction("days", 86_400_000, example: "days(2)  →  2d"),
        function(
            "in_seconds", 1...1, "in_seconds(duration) -> number", "The duration as a number of seconds.",
            example: "in_seconds(1h30m)  →  5400"
        ) { a throws(EvaluationError) in .number(try a.duration(0).seconds) },
        function(
            "format_human", 3...3, "format_human(instant, zone, iata) -> string",
            "Spanish weekday, day, month and 24-hour time in the zone, then the airport code.",
            example:
                "format_human(instant('2026-07-08T21:05:00Z'), 'Europe/London', 'LHR')  →  'Mié 8 Jul 22:05 hs (LHR)'"
        ) { a throws(EvaluationError) in
            .string(SpanishTimeFormat.human(try a.instant(0), zone: try a.zone(1), iata: try a.string(2)))
        },
        function(
            "format_local", 2...2, "format_local(instant, zone) -> string", "Spanish day, month and time in the zone.",
            example:
                "format_local(instant('2026-07-08T14:30:00Z'), 'America/Argentina/Buenos_Aires')  →  '8 Jul 11:30 hs'"
        ) { a throws(EvaluationError) in .string(SpanishTimeFormat.local(try a.instant(0), zone: try a.zone(1))) },
        function(
            "format_time", 2...2, "format_time(instant, zone) -> string", "24-hour HH:MM in the zone.",
            example: "format_time(instant('2026-07-08T21:05:00Z'), 'Europe/London')  →  '22:05'"
        ) { a throws(EvaluationError) in .string(SpanishTimeFormat.time(try a.instant(0), zone: try a.zone(1))) },
        function(
            "airport", 1...1, "airport(code) -> object",
            "The airport with this IATA code: {iata, icao, name, city (Spanish), city_en, city_es, country, zone, latitude, longitude}. An unknown code is an error.",
            example: "airport('EZE').city  →  'Buenos Aires'"
        ) { a throws(EvaluationError) in
            let code = try a.string(0)
            guard let airport = Airports.value(of: code) else {
                throw a.failure(Airports.unknownCode(code))
            }
            return airport
        },
        function(
            "in_window", 3...3, "in_window(instant, window, zone) -> bool",
            "Whether the instant's local time in the zone falls inside the daily window HH:MM-HH:MM (it may wrap midnight).",
            example: "in_window(instant('2026-07-08T23:30:00Z'), '20:00-09:00', 'Europe/London')  →  true"
        ) { a throws(EvaluationError) in
            .bool(SendWindow(quiet: try a.window(1), zone: try a.zone(2)).contains(try a.instant(0)))
        },
        function(
            "next_allowed", 3...3, "next_allowed(instant, window, zone) -> instant",
            "The instant itself when outside the quiet window, otherwise the window's end in that zone.",
            example:
                "next_allowed(instant('2026-07-08T23:30:00Z'), '20:00-09:00', 'Europe/London')  →  2026-07-09T08:00:00Z"
        ) { a throws(EvaluationError) in
            let t = try a.instant(0)
            let window = SendWindow(quiet: try a.window(1), zone: try a.zone(2))
            return .instant(window.quietPeriod(containing: t)?.end ?? t)
        },
        function(
            "last_allowed_before", 3...3, "last_allowed_before(instant, window, zone) -> instant",
            "The last allowed minute before the quiet window containing or preceding the instant began (its start minus one minute).",
            example:
                "last_allowed_before(instant('2026-07-08T23:30:00Z'), '20:00-09:00', 'Europe/London')  →  2026-07-08T18:59:00Z"
        ) { a throws(EvaluationError) in
            let t = try a.instant(0)
            let window = SendWindow(quiet: try a.window(1), zone: try a.zone(2))
            guard let start = window.latestQuietStart(atOrBefore: t) else { throw a.failure("the window is empty") }
            return .instant(start - .minutes(1))
        },
    ]

    private static func spanFunction(_ name: String, _ unit: Double, example: String) -> BuiltinFunction {
        function(
            name, 1...1, "\(name)(n) -> duration", "A duration of n \(name) (fractions allowed).", example: example
        ) {
            a throws(EvaluationError) in
            .duration(TimeSpan(milliseconds: Int64((try a.number(0) * unit).rounded())))
        }
    }
}
