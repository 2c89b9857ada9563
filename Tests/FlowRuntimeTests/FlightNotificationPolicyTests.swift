import FlowEngine
import FlowRuntime
import Travel
import Testing

/// More rules of `domain/flight-notifications.md` on the shipped flow: estimates that come and
/// go, one delay message per evaluation, quiet-hours deferral both ways, long-haul watches and
/// agency overrides. Every test asserts the exact messages (type, time, local time, variables).
@Suite struct FlightNotificationPolicyTests {
    typealias S = FlightScenario

    static let departed = S.flight(gate: "B32", actualOut: "2026-07-08T21:09:00Z", status: "En Route / On Time")
    static let arrived = S.flight(gate: "B32", actualOut: "2026-07-08T21:09:00Z", actualOn: "2026-07-09T05:01:00Z",
                                  status: "Arrived / Gate Arrival", progress: 100)

    @Test func anEstimateThatGoesAndComesBackAnnouncesNothingExtra() async throws {
        let report = try await S.run(fixtures: DryRunFixtures(aeroapi: [
            S.answer("2026-07-08T00:00:00Z", S.flight(gate: "B32")),
            S.answer("2026-07-08T17:30:00Z", S.flight(estimatedOut: nil, gate: "B32")),  // 17:45, 18:25: null
            S.answer("2026-07-08T18:30:00Z", S.flight(estimatedOut: "2026-07-08T21:10:00Z", gate: "B32")),  // +5m
            S.answer("2026-07-08T19:30:00Z", S.flight(estimatedOut: nil, gate: "B32")),
            S.answer("2026-07-08T20:00:00Z", S.flight(gate: "B32")),
            S.answer("2026-07-08T21:10:00Z", Self.departed),
            S.answer("2026-07-09T05:00:00Z", Self.arrived),
        ]))
        #expect(report.types == ["RESERVATION_CONFIRMATION", "REMINDER_24H", "BOARDING", "LANDING_WELCOME"])
        #expect(report.messages("BOARDING").first?["at"] == Value.instant(.at("2026-07-08T20:30:00Z")))
        #expect(report.messages("BOARDING").first?["variables"] == ["1": "BA245", "2": "B32"])
    }

    @Test func aStatusDelayAndATimeDelayInOnePollAreOneMessage() async throws {
        let report = try await S.run(fixtures: DryRunFixtures(aeroapi: [
            S.answer("2026-07-08T00:00:00Z", S.flight(gate: "B32")),
            // 18:25: the status alone says delayed, no later time yet: nothing to announce (R12).
            S.answer("2026-07-08T18:00:00Z", S.flight(gate: "B32", status: "Scheduled / Delayed")),
            // 19:05: status and a time 40m later in the same answer: one DELAYED with the time.
            S.answer("2026-07-08T19:00:00Z", S.flight(estimatedOut: "2026-07-08T21:45:00Z", gate: "B32",
                                                      status: "Scheduled / Delayed")),
            S.answer("2026-07-08T22:00:00Z", S.flight(estimatedOut: "2026-07-08T21:45:00Z", gate: "B32",
                                                      actualOut: "2026-07-08T21:46:00Z", status: "En Route / Delayed")),
            S.answer("2026-07-09T05:00:00Z", Self.arrived),
        ]))
        #expect(report.types == ["RESERVATION_CONFIRMATION", "REMINDER_24H", "DELAYED", "BOARDING", "LANDING_WELCOME"])
        let delayed = try #require(report.messages("DELAYED").first)
        #expect(delayed["at"] == Value.instant(.at("2026-07-08T19:05:00Z")))
        #expect(delayed["local_time"] == "2026-07-08T20:05:00+01:00")
        #expect(delayed["variables"] == ["1": "Ana", "2": "BA245", "3": "Mié 8 Jul 22:45 hs (LHR)"])
        #expect(report.messages("BOARDING").first?["at"] == Value.instant(.at("2026-07-08T21:10:00Z")))
    }

    @Test(arguments: [
        // Due 21:30 London the evening before: deferred over midnight to 09:00 London.
        ("2026-07-08T20:30:00Z", "2026-07-07T20:30:00Z", "2026-07-08T08:00:00Z", "2026-07-08T09:00:00+01:00", "8 Jul 21:30 hs"),
        // Due 06:30 London the morning before: deferred to 09:00 the same morning.
        ("2026-07-08T05:30:00Z", "2026-07-07T05:30:00Z", "2026-07-07T08:00:00Z", "2026-07-07T09:00:00+01:00", "8 Jul 06:30 hs"),
    ])
    func theReminderIsDeferredOutOfQuietHours(
        departure: String, due: String, sent: String, local: String, shown: String
    ) async throws {
        let report = try await S.run(trip: S.trip(departure: departure), fixtures: DryRunFixtures())
        let reminder = try #require(report.messages("REMINDER_24H").first)
        #expect(reminder["at"] == Value.instant(.at(sent)))
        #expect(reminder["local_time"] == .string(local))
        #expect(reminder["deferred_from"] == Value.instant(.at(due)))
        #expect(reminder["variables"] == ["1": "Ana", "2": "LHR", "3": .string(shown), "4": "buen clima para volar",
                                          "5": "JFK", "6": "¡Buen viaje!"])
        let deferral = report.history.first { $0.kind == .deferred && $0.details["state"] == "wait_reminder" }
        #expect(deferral?.details["zone"] == "Europe/London")
    }

    @Test func aReminderWhoseWindowEndIsTooLateGoesBeforeTheWindow() async throws {
        // min lead 16h: 09:00 London would be 12h05m before departure; sent at 19:59 the evening before.
        let report = try await S.run(settings: ["reminder_min_lead": .duration(.hours(16))], fixtures: DryRunFixtures())
        let reminder = try #require(report.messages("REMINDER_24H").first)
        #expect(reminder["at"] == Value.instant(.at("2026-07-07T18:59:00Z")))
        #expect(reminder["local_time"] == "2026-07-07T19:59:00+01:00")
        #expect(reminder["deferred_from"] == Value.instant(.at("2026-07-07T21:05:00Z")))
    }

    /// A 14h flight lands after the old fixed 12h limit: the watch follows the flight's own schedule.
    @Test func aLongHaulFlightIsWatchedUntilItLands() async throws {
        let trip = S.trip(departure: "2026-07-08T21:05:00Z", ["destination": "SIN"])
        let enRoute = S.flight(gate: "B32", actualOut: "2026-07-08T21:09:00Z", scheduledOn: "2026-07-09T11:05:00Z",
                               estimatedOn: "2026-07-09T11:05:00Z", status: "En Route / On Time", destination: "SIN")
        let landed = S.flight(gate: "B32", actualOut: "2026-07-08T21:09:00Z", scheduledOn: "2026-07-09T11:05:00Z",
                              estimatedOn: "2026-07-09T11:05:00Z", actualOn: "2026-07-09T11:20:00Z",
                              status: "Arrived / Gate Arrival", destination: "SIN", progress: 100)
        let report = try await S.run(trip: trip, fixtures: DryRunFixtures(aeroapi: [
            S.answer("2026-07-08T00:00:00Z", S.flight(gate: "B32", scheduledOn: "2026-07-09T11:05:00Z", destination: "SIN")),
            S.answer("2026-07-08T21:10:00Z", enRoute),
            S.answer("2026-07-09T11:25:00Z", landed),
        ]))
        #expect(report.types == ["RESERVATION_CONFIRMATION", "REMINDER_24H", "BOARDING", "LANDING_WELCOME"])
        let welcome = try #require(report.messages("LANDING_WELCOME").first)
        #expect(welcome["at"] == Value.instant(.at("2026-07-09T11:35:00Z")))  // 11:05 estimate, then every 30m
        #expect(welcome["local_time"] == "2026-07-09T19:35:00+08:00")
        #expect(welcome["variables"] == ["1": "Singapur", "2": "tu alojamiento reservado"])
        #expect(report.history.last?.details["output"]?["outcome"] == "landed")
    }

    @Test func aFlightThatNeverLandsIsWatchedUntilItsArrivalPlusTheGrace() async throws {
        let trip = S.trip(departure: "2026-07-08T21:05:00Z", ["destination": "SIN"])
        let enRoute = S.flight(gate: "B32", actualOut: "2026-07-08T21:09:00Z", scheduledOn: "2026-07-09T11:05:00Z",
                               estimatedOn: nil, status: "En Route / On Time", destination: "SIN")
        let report = try await S.run(trip: trip, fixtures: DryRunFixtures(aeroapi: [
            S.answer("2026-07-08T00:00:00Z", S.flight(gate: "B32", scheduledOn: "2026-07-09T11:05:00Z", destination: "SIN")),
            S.answer("2026-07-08T21:10:00Z", enRoute),
        ]))
        let polls = report.history.filter { $0.kind == .stepCalled && $0.details["step"] == "aeroapi.flight" }.map(\.at)
        #expect(polls.suffix(5) == ["2026-07-09T11:05:00Z", "2026-07-09T11:35:00Z", "2026-07-09T12:05:00Z",
                                    "2026-07-09T12:35:00Z", "2026-07-09T13:05:00Z"].map { Instant.at($0) })
        #expect(report.history.last?.details["output"]?["outcome"] == "watch_expired")
        #expect(!report.types.contains("LANDING_WELCOME"))
    }

    /// One flight (a 17m delay from 17:30), three agencies: quiet hours, offsets, thresholds and
    /// templates from `workflows/agencies/` change what is sent and when.
    @Test(arguments: [
        (nil, [
            "RESERVATION_CONFIRMATION 2026-07-06T10:00:00Z copy_confirmacion_reserva",
            "REMINDER_24H 2026-07-08T08:00:00Z recordatorio_24h",  // 22:05 London: deferred to 09:00
            "DELAYED 2026-07-08T17:45:00Z demorado",
            "BOARDING 2026-07-08T20:47:00Z embarcando",  // 21:22 − 35m
            "LANDING_WELCOME 2026-07-09T13:00:00Z landing_welcome_es",  // 09:00 New York
        ]),
        ("acme", [
            "RESERVATION_CONFIRMATION 2026-07-06T10:00:00Z copy_confirmacion_reserva",
            "REMINDER_24H 2026-07-07T09:05:00Z recordatorio_24h",  // 36h before: 10:05 London, not quiet
            "DELAYED 2026-07-08T17:45:00Z demorado",
            "BOARDING 2026-07-08T20:37:00Z acme_embarque",  // 21:22 − 45m, agency template
            "LANDING_WELCOME 2026-07-09T12:00:00Z landing_welcome_es",  // quiet until 08:00 New York
        ]),
        ("patagonia", [
            // language: en — the English templates, its own 48h reminder.
            "RESERVATION_CONFIRMATION 2026-07-06T10:00:00Z reservation_confirmation_en",
            "REMINDER_24H 2026-07-07T06:30:00Z reminder_48h_en",  // 48h before: 22:05 London → 07:30
            // 17m is under patagonia's 20m threshold: no DELAYED; landing welcome disabled.
            "BOARDING 2026-07-08T20:47:00Z boarding_en",
        ]),
    ] as [(String?, [String])])
    func agencyOverridesChangeWhatIsSentAndWhen(agency: String?, expected: [String]) async throws {
        let report = try await S.run(agency: agency, fixtures: DryRunFixtures(aeroapi: [
            S.answer("2026-07-08T00:00:00Z", S.flight(gate: "B32")),
            S.answer("2026-07-08T17:30:00Z", S.flight(estimatedOut: "2026-07-08T21:22:00Z", gate: "B32",
                                                      status: "Scheduled / Delayed")),
            S.answer("2026-07-08T21:10:00Z", Self.departed),
            S.answer("2026-07-09T05:00:00Z", Self.arrived),
        ]))
        let seen = report.messages.map { m in
            [m["type"], m["at"], m["template"]].map { $0?.stringValue ?? $0?.instantValue?.description ?? "-" }
                .joined(separator: " ")
        }
        #expect(seen == expected)
        if agency != "patagonia" {
            #expect(report.messages("DELAYED").first?["variables"] == ["1": "Ana", "2": "BA245", "3": "Mié 8 Jul 22:22 hs (LHR)"])
        }
    }
}
