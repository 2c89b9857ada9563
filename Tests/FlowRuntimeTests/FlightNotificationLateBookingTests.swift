import FlowEngine
import FlowRuntime
import Foundation
import Testing
import Travel

private typealias S = FlightScenario

/// Late bookings (docs/flight-notifications.md, "Late bookings"): the shipped `examples/late-booking-*`
/// dry-runs, each as `flowctl dry-run` runs it (its `start` file is the booking time). AR1132 Buenos
/// Aires → Madrid, booked at 14:00 Buenos Aires (day) or 08:15 (night: quiet hours until 09:00).
@Suite("Flight notifications: late bookings")
struct FlightNotificationLateBookingTests {
    static func example(_ name: String) async throws -> DryRunReport {
        let directory = S.examples + "/" + name
        let start = try String(contentsOfFile: directory + "/start", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let outcome = await DryRunInvocation(
            flowPath: S.workflows + "/flight-notifications.yaml", inputPath: directory + "/trip.json",
            fixturesPath: directory + "/fixtures.yaml", start: start, format: .json, product: TravelProduct())
            .run(now: .at(start))
        #expect(outcome.exitCode == 0, "\(outcome.standardError)")
        return try #require(outcome.report)
    }

    /// (example, reminder sent at, its local time, deferred from, "3" the departure shown, "4" the weather, boarding at)
    static let sent: [(String, String, String, String?, String, String, String)] = [
        // By day: at once, whatever the lead.
        ("late-booking-day-20h", "2026-07-06T17:00:00Z", "2026-07-06T14:00:00-03:00", nil, "7 Jul 10:00 hs",
         "18 °C, chubascos débiles", "2026-07-07T12:25:00Z"),
        ("late-booking-day-3h", "2026-07-06T17:00:00Z", "2026-07-06T14:00:00-03:00", nil, "6 Jul 17:00 hs",
         "18 °C, chubascos débiles", "2026-07-06T19:25:00Z"),
        // No weather fixture: Open-Meteo's 400, the flow's text.
        ("late-booking-day-40m", "2026-07-06T17:00:00Z", "2026-07-06T14:00:00-03:00", nil, "6 Jul 14:40 hs",
         "buen clima para volar", "2026-07-06T17:05:00Z"),
        // By night: at 09:00 Buenos Aires, the window's end, which leaves 19h15m and 2h15m ≥ 2h.
        // A failing Open-Meteo (500): the flow's text, and the reminder still at 09:00.
        ("late-booking-night-20h", "2026-07-06T12:00:00Z", "2026-07-06T09:00:00-03:00", "2026-07-06T11:15:00Z",
         "7 Jul 04:15 hs", "buen clima para volar", "2026-07-07T06:40:00Z"),
        ("late-booking-night-3h", "2026-07-06T12:00:00Z", "2026-07-06T09:00:00-03:00", "2026-07-06T11:15:00Z",
         "6 Jul 11:15 hs", "18 °C, chubascos débiles", "2026-07-06T13:40:00Z"),
    ]

    @Test("a late booking gets its reminder at once by day, at the window's end by night", arguments: sent)
    func reminderSent(
        example: String, at: String, local: String, deferredFrom: String?, departure: String, weather: String,
        boarding: String
    ) async throws {
        let report = try await Self.example(example)
        #expect(report.types.prefix(2) == ["RESERVATION_CONFIRMATION", "REMINDER_24H"])
        let reminder = try #require(report.messages("REMINDER_24H").first)
        #expect(reminder["at"] == .instant(.at(at)))
        #expect(reminder["local_time"] == .string(local))
        #expect(reminder["deferred_from"] == (deferredFrom.map { Value.instant(.at($0)) } ?? Value.null))
        #expect(reminder["variables"] == [
            "1": "Lucía", "2": "EZE", "3": .string(departure), "4": .string(weather), "5": "MAD", "6": "¡Buen viaje!",
        ])
        #expect(report.history.filter { $0.kind == .suppressed }.isEmpty)
        let boardingMessage = try #require(report.messages("BOARDING").first)
        #expect(boardingMessage["at"] == .instant(.at(boarding)))
        #expect(boardingMessage["variables"] == ["1": "AR1132", "2": "12"])
        #expect(report.messages("REMINDER_24H").count == 1)
        #expect(report.status == "succeeded")
    }

    @Test("booked at 08:15 for 08:55: no reminder, the timeline says why; boarding still goes out")
    func nightFortyMinutes() async throws {
        let report = try await Self.example("late-booking-night-40m")
        #expect(report.types == ["RESERVATION_CONFIRMATION", "BOARDING", "LANDING_WELCOME"])
        let suppressed = report.history.filter { $0.kind == .suppressed }
        #expect(suppressed.count == 1)
        #expect(suppressed.first?.details["type"] == "REMINDER_24H")
        #expect(suppressed.first?.details["reason"]
                == "late booking: quiet hours end 09:00, after the departure at 08:55")
        #expect(report.messages("BOARDING").first?["at"] == .instant(.at("2026-07-06T11:20:00Z")))
        #expect(report.calls["weather"] == nil)
    }

    @Test("the weather step's failure is in the timeline and the reminder is not delayed")
    func weatherFailureShown() async throws {
        let report = try await Self.example("late-booking-night-20h")
        let failed = report.history.filter { $0.kind == .stepFailed && $0.entry.step == "weather.forecast" }
        #expect(failed.count == 1)
        #expect(failed.first?.at == .at("2026-07-06T12:00:00Z"))
        #expect(report.calls["weather"] == 1)
    }

    /// A booking whose window's end leaves less than late_reminder_min_lead: no reminder, with the
    /// numbers; an agency that accepts 1h gets it at 09:00.
    @Test("the window's end leaving less than late_reminder_min_lead: none, with the numbers; 1h allowed: sent")
    func shortLead() async throws {
        // Booked 07:00 London (quiet until 09:00 = 08:00Z) for 10:10 London (09:10Z).
        let trip = S.trip(departure: "2026-07-06T09:10:00Z")
        let report = try await S.run(trip: trip, fixtures: DryRunFixtures(), start: .at("2026-07-06T06:00:00Z"))
        #expect(report.messages("REMINDER_24H").isEmpty)
        let reason = report.history.first { $0.kind == .suppressed }?.details["reason"]
        #expect(reason == "late booking: quiet hours end 09:00 leaves 1h10m < late_reminder_min_lead 2h")
        let decided = report.history.first { $0.kind == .decided && $0.details["state"] == "late_reminder_gate" }
        #expect(decided?.details["next"] == "late_reminder_skipped")

        let allowed = try await S.run(
            trip: trip, settings: ["late_reminder_min_lead": .duration(.hours(1))], fixtures: DryRunFixtures(),
            start: .at("2026-07-06T06:00:00Z"))
        let reminder = try #require(allowed.messages("REMINDER_24H").first)
        #expect(reminder["at"] == .instant(.at("2026-07-06T08:00:00Z")))
        #expect(reminder["deferred_from"] == .instant(.at("2026-07-06T06:00:00Z")))
    }

    @Test("an agency's late_reminder_min_lead outside 30m–12h is refused")
    func bounds() throws {
        let directory = try S.directory(agencies: ["acme": S.agency("acme", "late_reminder_min_lead: 10m")])
        #expect(directory.diagnostics.contains { $0.message.contains("late_reminder_min_lead") })
    }
}
