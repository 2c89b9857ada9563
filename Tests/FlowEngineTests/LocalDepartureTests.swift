import Testing

@testable import FlowEngine

/// `departure_local` → instant: the flow converts the origin's wall-clock time once with
/// `from_local(text, airport(origin).zone)`, whose rule is fixed: a time in a spring-forward gap
/// moves forward by the gap's length, an autumn time that happens twice takes the earlier offset
/// (the first occurrence). The formats then show the same wall-clock time back.
@Suite("Local departure times across DST")
struct LocalDepartureTests {
    static func evaluate(_ text: String) throws -> Value {
        try ExpressionEvaluation.evaluate(ExpressionSource(text, at: .unknown()), in: EvaluationContext(bindings: [:]))
    }

    /// (wall time, zone, the instant, what "human" shows back)
    static let cases: [(String, String, String, String)] = [
        // London, spring forward 2026-03-29 01:00 GMT → 02:00 BST: 01:30 does not exist → 02:30 BST.
        ("2026-03-29T01:30:00", "Europe/London", "2026-03-29T01:30:00Z", "Dom 29 Mar 02:30 hs (LHR)"),
        ("2026-03-29T00:59:00", "Europe/London", "2026-03-29T00:59:00Z", "Dom 29 Mar 00:59 hs (LHR)"),
        ("2026-03-29T02:00:00", "Europe/London", "2026-03-29T01:00:00Z", "Dom 29 Mar 02:00 hs (LHR)"),
        // London, fall back 2026-10-25 02:00 BST → 01:00 GMT: 01:30 happens twice → the BST one (+01:00).
        ("2026-10-25T01:30:00", "Europe/London", "2026-10-25T00:30:00Z", "Dom 25 Oct 01:30 hs (LHR)"),
        ("2026-10-25T02:30:00", "Europe/London", "2026-10-25T02:30:00Z", "Dom 25 Oct 02:30 hs (LHR)"),
        // New York, spring forward 2026-03-08 02:00 EST → 03:00 EDT; fall back 2026-11-01 02:00 EDT → 01:00 EST.
        ("2026-03-08T02:30:00", "America/New_York", "2026-03-08T07:30:00Z", "Dom 8 Mar 03:30 hs (JFK)"),
        ("2026-11-01T01:30:00", "America/New_York", "2026-11-01T05:30:00Z", "Dom 1 Nov 01:30 hs (JFK)"),
        // Madrid (the policy's example): 02:30 on 2026-03-29 does not exist → 03:30 CEST.
        ("2026-03-29T02:30:00", "Europe/Madrid", "2026-03-29T01:30:00Z", "Dom 29 Mar 03:30 hs (MAD)"),
        // Buenos Aires has no DST: every wall time is one instant, at -03:00.
        ("2026-03-29T02:30:00", "America/Argentina/Buenos_Aires", "2026-03-29T05:30:00Z", "Dom 29 Mar 02:30 hs (EZE)"),
        ("2026-10-04T00:30", "America/Argentina/Buenos_Aires", "2026-10-04T03:30:00Z", "Dom 4 Oct 00:30 hs (EZE)"),
    ]

    @Test("from_local resolves gaps forward and overlaps to the earlier offset", arguments: cases)
    func conversion(local: String, zone: String, instant: String, human: String) throws {
        let value = try Self.evaluate("from_local('\(local)', '\(zone)')")
        #expect(value == .instant(Instant(iso8601: instant)!))
        let iata = String(human.suffix(4).prefix(3))
        let shown = try Self.evaluate("format_human(from_local('\(local)', '\(zone)'), '\(zone)', '\(iata)')")
        #expect(shown == .string(human))
    }

    @Test("a wall time outside a transition shows back exactly as given")
    func roundTrip() throws {
        for (zone, iata) in [("Europe/London", "LHR"), ("America/New_York", "JFK"), ("America/Argentina/Buenos_Aires", "EZE")] {
            let shown = try Self.evaluate("format_local(from_local('2026-07-08T22:05:00', '\(zone)'), '\(zone)')")
            #expect(shown == "8 Jul 22:05 hs", "\(zone) \(iata)")
        }
    }

    @Test("the zone's rules: a gap's time moves by the gap, an overlap's first occurrence wins")
    func zoneRules() throws {
        let london = try #require(ZoneRules(identifier: "Europe/London"))
        let gap = try #require(LocalDateTime(parsing: "2026-03-29T01:30:00"))
        #expect(london.instant(of: gap, gap: .shiftForward) == Instant(iso8601: "2026-03-29T01:30:00Z"))
        #expect(london.instant(of: gap, gap: .skip) == nil)
        let overlap = try #require(LocalDateTime(parsing: "2026-10-25T01:30:00"))
        #expect(london.instant(of: overlap, gap: .skip) == Instant(iso8601: "2026-10-25T00:30:00Z"))
        #expect(london.iso8601(london.instant(of: overlap, gap: .skip)!) == "2026-10-25T01:30:00+01:00")
    }

    @Test("a time with an offset, or no time at all, is not a departure_local", arguments: [
        "2026-03-29T02:30:00Z", "2026-03-29T02:30:00+01:00", "2026-03-29", "29/03/2026 02:30", "2026-02-30T10:00",
    ])
    func refused(text: String) {
        #expect(throws: EvaluationError.self) { try Self.evaluate("from_local('\(text)', 'Europe/London')") }
    }
}
