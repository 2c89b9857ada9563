import FlowEngine
import FlowRuntime
import Travel
import Testing

/// The AeroAPI budget of `domain/flight-notifications.md`: so many lookups per trip per calendar
/// day in the origin airport's zone (London here: midnight is 23:00Z in July). A spent day raises
/// one alert, pauses lookups until the origin's midnight, then the watch goes on.
@Suite struct FlightNotificationBudgetTests {
    typealias S = FlightScenario

    static let departed = S.flight(gate: "B32", actualOut: "2026-07-08T21:09:00Z", status: "En Route / On Time")
    static let arrived = S.flight(gate: "B32", actualOut: "2026-07-08T21:09:00Z", actualOn: "2026-07-09T05:01:00Z",
                                  status: "Arrived / Gate Arrival", progress: 100)
    static let normalFlight = DryRunFixtures(aeroapi: [
        S.answer("2026-07-08T00:00:00Z", S.flight(gate: "B32")),
        S.answer("2026-07-08T21:10:00Z", departed),
        S.answer("2026-07-09T05:00:00Z", arrived),
    ])

    static func lookups(_ report: DryRunReport) -> [Instant] {
        report.history.filter { $0.kind == .stepCalled && $0.details["step"] == "aeroapi.flight" }.map(\.at)
    }

    /// Budget 8: the 8th lookup of 8 Jul (London) is the boarding one at 20:30Z; the next check
    /// (20:45Z) alerts instead, nothing is looked up until London's midnight (23:00Z), then the
    /// watch resumes, sees the departure and welcomes the traveller after landing.
    @Test func aSpentDayPausesTheWatchUntilTheOriginsMidnight() async throws {
        let report = try await S.run(settings: ["aeroapi_budget": 8], fixtures: Self.normalFlight)
        #expect(report.status == "succeeded")
        #expect(report.alerts.map { $0["code"] } == ["AEROAPI_BUDGET_EXCEEDED"])
        let alert = try #require(report.alerts.first)
        #expect(alert["at"] == Value.instant(.at("2026-07-08T20:45:00Z")))
        #expect(alert["message"]?.stringValue?.contains("2026-07-08") == true)
        #expect(alert["message"]?.stringValue?.contains("2026-07-09T00:00:00+01:00") == true)
        #expect(Self.lookups(report) == [
            "2026-07-08T15:05:00Z", "2026-07-08T17:05:00Z", "2026-07-08T17:45:00Z", "2026-07-08T18:25:00Z",
            "2026-07-08T19:05:00Z", "2026-07-08T19:45:00Z", "2026-07-08T20:25:00Z", "2026-07-08T20:30:00Z",
            "2026-07-08T23:00:00Z",  // 00:00 London: a new day, a new budget
            "2026-07-09T05:05:00Z",  // departed: the estimated arrival
        ].map { Instant.at($0) })
        #expect(report.calls["aeroapi"] == 10)
        #expect(report.types == ["RESERVATION_CONFIRMATION", "REMINDER_24H", "BOARDING", "LANDING_WELCOME"])
        #expect(report.messages("LANDING_WELCOME").first?["at"] == Value.instant(.at("2026-07-09T13:00:00Z")))
        #expect(report.history.last?.details["output"]?["outcome"] == "landed")
    }

    /// The flight slips past midnight while the watch is paused: day 2's first lookup announces
    /// the delay with the new time, and the flight is followed to its landing. One alert in all.
    @Test func theFlightsLaterMessagesStillGoOutOnDayTwo() async throws {
        let delayed = S.flight(estimatedOut: "2026-07-09T00:10:00Z", gate: "B32", status: "Scheduled / Delayed")
        let departedLate = S.flight(gate: "B32", actualOut: "2026-07-09T00:12:00Z",
                                    estimatedOn: "2026-07-09T08:10:00Z", status: "En Route / Delayed")
        let arrivedLate = S.flight(gate: "B32", actualOut: "2026-07-09T00:12:00Z", actualOn: "2026-07-09T08:05:00Z",
                                   status: "Arrived / Gate Arrival", progress: 100)
        let report = try await S.run(settings: ["aeroapi_budget": 8], fixtures: DryRunFixtures(aeroapi: [
            S.answer("2026-07-08T00:00:00Z", S.flight(gate: "B32")),
            S.answer("2026-07-08T21:10:00Z", delayed),
            S.answer("2026-07-09T00:20:00Z", departedLate),
            S.answer("2026-07-09T08:00:00Z", arrivedLate),
        ]))
        #expect(report.status == "succeeded")
        #expect(report.alerts.map { $0["at"] } == [.instant(.at("2026-07-08T20:45:00Z"))])
        let lookups = Self.lookups(report)
        #expect(!lookups.contains { $0 > .at("2026-07-08T20:30:00Z") && $0 < .at("2026-07-08T23:00:00Z") })
        #expect(lookups.filter { $0 >= .at("2026-07-08T23:00:00Z") }.count <= 8)
        #expect(report.types == ["RESERVATION_CONFIRMATION", "REMINDER_24H", "BOARDING", "DELAYED", "LANDING_WELCOME"])
        let delay = try #require(report.messages("DELAYED").first)
        #expect(delay["at"] == Value.instant(.at("2026-07-08T23:00:00Z")))
        #expect(delay["variables"] == ["1": "Ana", "2": "BA245", "3": "Jue 9 Jul 01:10 hs (LHR)"])
        // Landed 04:05 New York: quiet, welcomed at 09:00.
        #expect(report.messages("LANDING_WELCOME").first?["at"] == Value.instant(.at("2026-07-09T13:00:00Z")))
    }

    /// Budget 6 is spent by 19:45Z; boarding (20:30Z) falls before London's midnight, so it goes out
    /// at its time without a fresh lookup: with the last gate a lookup saw, or the screens text. A
    /// gate assigned after the last lookup (C7 from 20:00Z) is not known.
    @Test(arguments: [("B32" as String?, "B32"), (nil, "Ver pantallas del aeropuerto")])
    func boardingWhenTheBudgetIsSpentUsesTheLastKnownGate(gate: String?, shown: String) async throws {
        let report = try await S.run(settings: ["aeroapi_budget": 6], fixtures: DryRunFixtures(aeroapi: [
            S.answer("2026-07-08T00:00:00Z", S.flight(gate: gate)),
            S.answer("2026-07-08T20:00:00Z", S.flight(gate: "C7")),
            S.answer("2026-07-08T21:10:00Z", Self.departed),
            S.answer("2026-07-09T05:00:00Z", Self.arrived),
        ]))
        #expect(report.alerts.map { $0["at"] } == [.instant(.at("2026-07-08T20:25:00Z"))])
        #expect(Array(Self.lookups(report).prefix(7)) == [
            "2026-07-08T15:05:00Z", "2026-07-08T17:05:00Z", "2026-07-08T17:45:00Z", "2026-07-08T18:25:00Z",
            "2026-07-08T19:05:00Z", "2026-07-08T19:45:00Z", "2026-07-08T23:00:00Z",
        ].map { Instant.at($0) })
        let boarding = try #require(report.messages("BOARDING").first)
        #expect(boarding["at"] == Value.instant(.at("2026-07-08T20:30:00Z")))
        #expect(boarding["variables"] == ["1": "BA245", "2": .string(shown)])
        #expect(report.types == ["RESERVATION_CONFIRMATION", "REMINDER_24H", "BOARDING", "LANDING_WELCOME"])
    }

    /// The same flight under the defaults (30 a day: 12 lookups, no alert) and under an agency that
    /// lowers its budget to 8 in its agency document.
    @Test func anAgencyOverrideOfTheBudgetChangesTheOutcome() async throws {
        let directory = try S.directory(agencies: ["thrifty": S.agency("thrifty", "aeroapi_budget: 8")])
        #expect(directory.diagnostics.filter { $0.severity == .error }.isEmpty)
        let defaults = try await S.run(fixtures: Self.normalFlight, directory: directory)
        #expect(defaults.alerts.isEmpty)
        #expect(defaults.calls["aeroapi"] == 12)
        let thrifty = try await S.run(agency: "thrifty", fixtures: Self.normalFlight, directory: directory)
        #expect(thrifty.alerts.map { $0["code"] } == ["AEROAPI_BUDGET_EXCEEDED"])
        #expect(thrifty.calls["aeroapi"] == 10)
        #expect(thrifty.types == defaults.types)
    }

    /// The budget's bounds (5–100) are checked on agency documents.
    @Test(arguments: ["aeroapi_budget: 2", "aeroapi_budget: 500", "aeroapi_budget: many"])
    func anOutOfBoundsBudgetOverrideIsAnError(line: String) throws {
        let directory = try S.directory(agencies: ["bad": S.agency("bad", line)])
        let codes = directory.diagnostics.filter { $0.severity == .error }.map(\.code.rawValue)
        #expect(codes.contains { $0 == "O404" || $0 == "O405" }, "\(codes)")
    }
}
