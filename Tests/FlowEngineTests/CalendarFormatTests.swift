import FlowEngine
import Testing

@Suite("Calendar: zones and Spanish formatting")
struct CalendarFormatTests {
    static func t(_ text: String) -> Instant { Instant(iso8601: text)! }

    @Test(
        "format_human, local and time",
        arguments: [
            // 2026-07-08 is a Wednesday; BST is UTC+1.
            ("2026-07-08T21:05:00Z", "Europe/London", "LHR", "Mié 8 Jul 22:05 hs (LHR)", "8 Jul 22:05 hs", "22:05"),
            // 2026-01-04 is a Sunday; GMT in winter.
            ("2026-01-04T09:00:00Z", "Europe/London", "LGW", "Dom 4 Ene 09:00 hs (LGW)", "4 Ene 09:00 hs", "09:00"),
            // Buenos Aires is UTC-3: crossing midnight backwards to Saturday 2026-08-01.
            (
                "2026-08-02T01:30:00Z", "America/Argentina/Buenos_Aires", "EZE", "Sáb 1 Ago 22:30 hs (EZE)",
                "1 Ago 22:30 hs", "22:30"
            ),
            // Singapore UTC+8, Tuesday 2026-12-01.
            ("2026-11-30T16:00:00Z", "Asia/Singapore", "SIN", "Mar 1 Dic 00:00 hs (SIN)", "1 Dic 00:00 hs", "00:00"),
        ])
    func formats(instant: String, zone: String, iata: String, human: String, local: String, time: String) throws {
        let rules = try #require(ZoneRules(identifier: zone))
        #expect(SpanishTimeFormat.human(Self.t(instant), zone: rules, iata: iata) == human)
        #expect(SpanishTimeFormat.local(Self.t(instant), zone: rules) == local)
        #expect(SpanishTimeFormat.time(Self.t(instant), zone: rules) == time)
    }

    @Test("unknown zones and abbreviations are rejected")
    func unknownZone() {
        #expect(ZoneRules(identifier: "Mars/Olympus") == nil)
        #expect(ZoneRules(identifier: "EST") == nil)
        #expect(ZoneRules(identifier: "UTC") != nil)
    }

    @Test("offsets and local times across a DST change")
    func offsets() throws {
        let ny = try #require(ZoneRules(identifier: "America/New_York"))
        #expect(ny.offset(at: Self.t("2026-03-08T06:59:59Z")) == -5 * 3600)
        #expect(ny.offset(at: Self.t("2026-03-08T07:00:00Z")) == -4 * 3600)
        #expect(ny.localDateTime(of: Self.t("2026-03-08T07:00:00Z")).description == "2026-03-08T03:00:00")
    }

    @Test(
        "local wall time to instant: gaps and overlaps",
        arguments: [
            ("2026-03-08T02:30:00", ZoneRules.GapPolicy.shiftForward, "2026-03-08T07:30:00Z" as String?),
            ("2026-03-08T02:30:00", .skip, nil),
            ("2026-03-08T03:00:00", .skip, "2026-03-08T07:00:00Z"),
            ("2026-11-01T01:30:00", .skip, "2026-11-01T05:30:00Z"),  // first occurrence (EDT)
            ("2026-11-01T02:30:00", .skip, "2026-11-01T07:30:00Z"),
            ("2026-07-08T12:00:00", .skip, "2026-07-08T16:00:00Z"),
        ])
    func wallTime(local: String, gap: ZoneRules.GapPolicy, expected: String?) throws {
        let ny = try #require(ZoneRules(identifier: "America/New_York"))
        let wall = try #require(LocalDateTime(parsing: local))
        #expect(ny.instant(of: wall, gap: gap) == expected.map(Self.t))
    }
}

@Suite("Calendar: traveller formats per language and local days")
struct CalendarLanguageTests {
    static func t(_ text: String) -> Instant { Instant(iso8601: text)! }

    @Test(
        "Spanish is SpanishTimeFormat, English drops `hs`",
        arguments: [
            ("2026-07-08T21:05:00Z", "Europe/London", "LHR", "Wed 8 Jul 22:05 (LHR)", "8 Jul 22:05"),
            ("2026-01-04T09:00:00Z", "Europe/London", "LGW", "Sun 4 Jan 09:00 (LGW)", "4 Jan 09:00"),
            ("2026-08-02T01:30:00Z", "America/Argentina/Buenos_Aires", "EZE", "Sat 1 Aug 22:30 (EZE)", "1 Aug 22:30"),
            ("2026-11-30T16:00:00Z", "Asia/Singapore", "SIN", "Tue 1 Dec 00:00 (SIN)", "1 Dec 00:00"),
        ])
    func english(instant: String, zone: String, iata: String, human: String, local: String) throws {
        let rules = try #require(ZoneRules(identifier: zone))
        let at = Self.t(instant)
        #expect(TravellerTimeFormat.human(at, zone: rules, iata: iata, language: .en) == human)
        #expect(TravellerTimeFormat.local(at, zone: rules, language: .en) == local)
        #expect(TravellerTimeFormat.human(at, zone: rules, iata: iata, language: .es)
                == SpanishTimeFormat.human(at, zone: rules, iata: iata))
        #expect(TravellerTimeFormat.local(at, zone: rules, language: .es) == SpanishTimeFormat.local(at, zone: rules))
    }

    @Test("every language names 7 weekdays and 12 months")
    func tables() {
        for language in TravellerTimeFormat.Language.allCases {
            #expect(language.weekdays.count == 7)
            #expect(language.months.count == 12)
        }
        #expect(TravellerTimeFormat.Language(rawValue: "pt") == nil)
    }

    @Test(
        "the next local midnight, across DST changes",
        arguments: [
            ("2026-07-08T20:45:00Z", "Europe/London", "2026-07-08T23:00:00Z"),  // BST
            ("2026-07-08T23:00:00Z", "Europe/London", "2026-07-09T23:00:00Z"),  // at midnight: the next one
            ("2026-07-08T22:59:59Z", "Europe/London", "2026-07-08T23:00:00Z"),
            ("2026-03-28T12:00:00Z", "Europe/London", "2026-03-29T00:00:00Z"),  // GMT, the night BST starts
            ("2026-03-29T12:00:00Z", "Europe/London", "2026-03-29T23:00:00Z"),  // a 23-hour day
            ("2026-10-24T12:00:00Z", "Europe/London", "2026-10-24T23:00:00Z"),
            ("2026-10-25T12:00:00Z", "Europe/London", "2026-10-26T00:00:00Z"),  // a 25-hour day
            // Asia/Beirut moves 00:00 → 01:00 on 2026-03-29: that midnight does not exist.
            ("2026-03-28T12:00:00Z", "Asia/Beirut", "2026-03-28T22:00:00Z"),
        ])
    func nextMidnight(instant: String, zone: String, expected: String) throws {
        let rules = try #require(ZoneRules(identifier: zone))
        #expect(rules.startOfNextDay(after: Self.t(instant)) == Self.t(expected))
    }
}
