import FlowEngine
import FlowRuntime
import Testing
import Travel

/// `trip.updated` and `trip.cancelled` reach the trip's flight-notifications instance by correlation
/// (the trip id) while it runs: an update re-plans the change confirmation, the reminder and the
/// watch from the new flight and departure; a cancellation ends the instance with nothing more sent
/// (docs/flight-notifications.md, "Trip updates and cancellations").
@Suite struct FlightNotificationTripEventsTests {
    typealias S = FlightScenario

    /// BA117, the flight the trip moves to: LHR 2026-07-09 14:30 London (13:30Z) → JFK 21:30Z.
    static func ba117(
        gate: String? = nil, actualOut: String? = nil, actualOn: String? = nil, status: String = "Scheduled",
        progress: Double = 0
    ) -> Value {
        S.flight(id: "BA117-1783600000-schedule-0001", scheduledOut: "2026-07-09T13:30:00Z",
                 estimatedOut: "2026-07-09T13:30:00Z", gate: gate, actualOut: actualOut,
                 scheduledOn: "2026-07-09T21:30:00Z", estimatedOn: "2026-07-09T21:30:00Z", actualOn: actualOn,
                 status: status, progress: progress)
    }

    /// The original BA245 of 2026-07-08, as AeroAPI keeps answering for it.
    static let ba245 = S.flight(gate: "B32")

    static func event(_ at: String, _ name: String, key: String = "trip-1", _ payload: Value) -> DryRunFixtures.Event {
        .init(at: .at(at), name: name, key: key, payload: payload)
    }

    static let update = event("2026-07-07T12:00:00Z", "trip.updated", [
        "trip": ["flight_number": "BA117", "departure": "2026-07-09T14:30:00+01:00"],
    ])

    /// Both flights in every answer: the watch must pick BA117 by its scheduled departure.
    /// AeroAPI's answers for the booked flight flown as planned: scheduled, gate, departed, arrived.
    static let flownAsPlanned = [
        S.answer("2026-07-08T00:00:00Z", S.flight()),
        S.answer("2026-07-08T19:00:00Z", S.flight(gate: "B32")),
        S.answer("2026-07-08T21:10:00Z", FlightNotificationScenarioTests.departed),
        S.answer("2026-07-09T05:00:00Z", FlightNotificationScenarioTests.arrived),
    ]

    static let fixtures = DryRunFixtures(
        aeroapi: [
            S.answer("2026-07-08T00:00:00Z", ba245, ba117()),
            S.answer("2026-07-09T12:00:00Z", ba245, ba117(gate: "A10")),
            S.answer("2026-07-09T13:40:00Z", ba245,
                     ba117(gate: "A10", actualOut: "2026-07-09T13:36:00Z", status: "En Route / On Time")),
            S.answer("2026-07-09T21:00:00Z", ba245,
                     ba117(gate: "A10", actualOut: "2026-07-09T13:36:00Z", actualOn: "2026-07-09T21:20:00Z",
                           status: "Arrived / Gate Arrival", progress: 100)),
        ],
        events: [update])

    @Test func anUpdateConfirmsTheChangeAndReplansTheReminderAndTheWatchFromTheNewDeparture() async throws {
        let report = try await S.run(fixtures: Self.fixtures)
        #expect(report.status == "succeeded")
        #expect(report.history.last?.details["output"]?["outcome"] == "landed")
        #expect(report.types == [
            "RESERVATION_CONFIRMATION", "RESERVATION_CONFIRMATION", "REMINDER_24H", "BOARDING", "LANDING_WELCOME",
        ])
        let m = report.messages
        // The change, confirmed at once with the new flight and its departure in London time.
        #expect(m[1]["at"] == Value.instant(.at("2026-07-07T12:00:00Z")))
        #expect(m[1]["variables"] == ["1": "Ana", "2": "BA117", "3": "LHR", "4": "JFK", "5": "Jue 9 Jul 14:30 hs (LHR)"])
        // One reminder, 24h before the new departure (14:30 London is outside quiet hours): none at
        // the old reminder time (2026-07-08 09:00 London).
        #expect(m[2]["at"] == Value.instant(.at("2026-07-08T13:30:00Z")))
        #expect(m[2]["variables"]?["3"] == "9 Jul 14:30 hs")
        #expect(m[2]["deferred_from"] == .null)
        // Boarding at the new departure − 35m with BA117's gate; no flight message names BA245.
        #expect(m[3]["at"] == Value.instant(.at("2026-07-09T12:55:00Z")))
        #expect(m[3]["variables"] == ["1": "BA117", "2": "A10"])
    }

    @Test func aTripMovedToAnotherDayGetsTheNewDaysReminderEvenAfterTheOldOneWentOut() async throws {
        // Patagonia reminds 48h ahead: the old departure's reminder went out at 07:30 London on
        // 07-07, before the update at 13:00; the new departure's is due at 14:30 the same day.
        let report = try await S.run(agency: "patagonia", fixtures: Self.fixtures)
        let reminders = report.messages("REMINDER_24H")
        #expect(reminders.map { $0["at"] } == [.instant(.at("2026-07-07T06:30:00Z")), .instant(.at("2026-07-07T13:30:00Z"))])
        #expect(reminders.map { $0["variables"]?["3"] } == ["8 Jul 22:05", "9 Jul 14:30"])
        #expect(!report.history.contains { $0.kind == .duplicate })
    }

    @Test func theWatchAfterAnUpdatePollsTheNewFlightFromSixHoursBeforeItsDeparture() async throws {
        let report = try await S.run(fixtures: Self.fixtures)
        let polls = report.history.filter { $0.kind == .stepCalled && $0.details["step"] == "aeroapi.flight" }
        #expect(polls.first?.at == .at("2026-07-09T07:30:00Z"), "no lookup before the new T−6h (the old one was 07-08 15:05)")
        #expect(!polls.isEmpty && polls.allSatisfy {
            $0.details["input"]?["ident"] == "BA117"
                && $0.details["input"]?["scheduled_departure"] == .instant(.at("2026-07-09T13:30:00Z"))
        })
        #expect(report.calls["aeroapi"] == polls.count)
    }

    @Test func anUpdateMidWatchFollowsTheNewFlightAndTheOldOneSendsNothingMore() async throws {
        // The watch of BA245 has started (T−6h is 15:05); at 16:00 the trip moves to BA117 the next day.
        var fixtures = Self.fixtures
        fixtures.events = [Self.event("2026-07-08T16:00:00Z", "trip.updated", [
            "trip": ["flight_number": "BA117", "departure": "2026-07-09T13:30:00Z"],
        ])]
        let report = try await S.run(fixtures: fixtures)
        #expect(report.types == [
            "RESERVATION_CONFIRMATION", "REMINDER_24H", "RESERVATION_CONFIRMATION", "REMINDER_24H", "BOARDING",
            "LANDING_WELCOME",
        ])
        // The reminder for the old departure went out at 09:00 London; the new departure's reminder
        // was due at 07-08 13:30Z, already past when the update came: the trip is then a late
        // booking, and at 17:00 London (outside quiet hours) its reminder goes out at once.
        let reminders = report.messages("REMINDER_24H")
        #expect(reminders.map { $0["at"] } == [.instant(.at("2026-07-08T08:00:00Z")), .instant(.at("2026-07-08T16:00:00Z"))])
        #expect(reminders.map { $0["variables"]?["3"] } == ["8 Jul 22:05 hs", "9 Jul 14:30 hs"])
        let polls = report.history.filter { $0.kind == .stepCalled && $0.details["step"] == "aeroapi.flight" }
        let afterUpdate = polls.filter { $0.at > .at("2026-07-08T16:00:00Z") }
        #expect(polls.contains { $0.at < .at("2026-07-08T16:00:00Z") && $0.details["input"]?["ident"] == "BA245" })
        #expect(!afterUpdate.isEmpty && afterUpdate.allSatisfy { $0.details["input"]?["ident"] == "BA117" })
        #expect(afterUpdate.first?.at == .at("2026-07-09T07:30:00Z"))
    }

    @Test func aCancellationEndsTheInstanceAndNothingIsSentAfterIt() async throws {
        let normal = DryRunFixtures(aeroapi: [
            S.answer("2026-07-08T00:00:00Z", S.flight()),
            S.answer("2026-07-08T19:00:00Z", S.flight(gate: "B32")),
        ])
        for (at, sentBefore) in [
            ("2026-07-07T12:00:00Z", ["RESERVATION_CONFIRMATION"]),  // before the reminder
            ("2026-07-08T18:00:00Z", ["RESERVATION_CONFIRMATION", "REMINDER_24H"]),  // while the flight is watched
        ] {
            var fixtures = normal
            fixtures.events = [Self.event(at, "trip.cancelled", ["reason": "the traveller cancelled"])]
            let report = try await S.run(fixtures: fixtures)
            #expect(report.status == "succeeded")
            #expect(report.types == sentBefore, "cancelled at \(at)")
            let last = try #require(report.history.last)
            #expect(last.kind == .completed && last.at == .at(at))
            #expect(last.details["output"] == ["outcome": "trip_cancelled", "reason": "the traveller cancelled"])
            #expect(report.history.contains { $0.kind == .eventReceived && $0.details["name"] == "trip.cancelled" })
            #expect(!report.history.contains { $0.at > .at(at) }, "nothing happens after the cancellation")
        }
    }

    @Test func eventsForAnotherTripDoNotTouchThisOne() async throws {
        var fixtures = Self.fixtures
        fixtures.events = [
            Self.event("2026-07-07T12:00:00Z", "trip.updated", key: "trip-2", [
                "trip": ["flight_number": "BA117", "departure": "2026-07-09T13:30:00Z"],
            ]),
            Self.event("2026-07-08T18:00:00Z", "trip.cancelled", key: "trip-2", ["reason": "another traveller"]),
        ]
        fixtures.aeroapi = Self.flownAsPlanned
        let report = try await S.run(fixtures: fixtures)
        #expect(report.status == "succeeded")
        #expect(report.history.last?.details["output"]?["outcome"] == "landed")
        #expect(report.types == ["RESERVATION_CONFIRMATION", "REMINDER_24H", "BOARDING", "LANDING_WELCOME"])
        #expect(report.messages.allSatisfy { $0["variables"]?["2"] != "BA117" })
        let received = report.history.filter { $0.kind == .eventReceived }
        #expect(received.count == 2 && received.allSatisfy { $0.details["delivered_to"] == [] })
    }

    @Test func aCancellationRightAfterAnUpdateWinsAndTheUpdateIsNotLost() async throws {
        // Two events at one instant: the update is applied (the change confirmed), then the
        // cancellation reaches the re-planned instance and ends it.
        var fixtures = Self.fixtures
        fixtures.events = [
            Self.update,
            Self.event("2026-07-07T12:00:00Z", "trip.cancelled", ["reason": "changed their mind"]),
        ]
        let report = try await S.run(fixtures: fixtures)
        #expect(report.types == ["RESERVATION_CONFIRMATION", "RESERVATION_CONFIRMATION"])
        #expect(report.messages.last?["variables"]?["2"] == "BA117")
        #expect(report.history.last?.details["output"]?["outcome"] == "trip_cancelled")
        #expect(report.calls["aeroapi"] == 0)
    }

    @Test func anUpdateThatChangesNothingSendsNothing() async throws {
        var fixtures = Self.fixtures
        fixtures.events = [Self.event("2026-07-07T12:00:00Z", "trip.updated", [
            "trip": ["flight_number": "BA245", "departure": "2026-07-08T22:05:00+01:00"],
        ])]
        fixtures.aeroapi = Self.flownAsPlanned
        let report = try await S.run(fixtures: fixtures)
        // The same flight and departure (another offset): nothing changes and nothing is sent for it.
        #expect(report.types == ["RESERVATION_CONFIRMATION", "REMINDER_24H", "BOARDING", "LANDING_WELCOME"])
        #expect(report.messages("REMINDER_24H").first?["at"] == Value.instant(.at("2026-07-08T08:00:00Z")))
        #expect(report.history.contains { $0.kind == .eventReceived && $0.details["name"] == "trip.updated" })
    }

    @Test func eachChangeIsConfirmedEvenBackToAnEarlierFlight() async throws {
        var fixtures = Self.fixtures
        fixtures.events = [
            Self.update,
            Self.event("2026-07-07T13:00:00Z", "trip.updated", [
                "trip": ["flight_number": "BA245", "departure": "2026-07-08T21:05:00Z"],
            ]),
        ]
        fixtures.aeroapi = [S.answer("2026-07-08T00:00:00Z", S.flight())]
        let report = try await S.run(fixtures: fixtures)
        let confirmations = report.messages("RESERVATION_CONFIRMATION")
        #expect(confirmations.map { $0["variables"]?["2"] } == ["BA245", "BA117", "BA245"])
        #expect(confirmations.last?["at"] == Value.instant(.at("2026-07-07T13:00:00Z")))
        // Back on BA245: its reminder at 09:00 London on 8 Jul, as if nothing had changed.
        #expect(report.messages("REMINDER_24H").map { $0["at"] } == [.instant(.at("2026-07-08T08:00:00Z"))])
    }

    @Test func anUpdateWithoutAValidDepartureIsRefusedWithAnAlertAndThePlanGoesOn() async throws {
        var fixtures = Self.fixtures
        fixtures.events = [Self.event("2026-07-07T12:00:00Z", "trip.updated", [
            "trip": ["departure": "2026-07-09 14:30"],
        ])]
        fixtures.aeroapi = Self.flownAsPlanned
        let report = try await S.run(fixtures: fixtures)
        #expect(report.status == "succeeded")
        #expect(report.types == ["RESERVATION_CONFIRMATION", "REMINDER_24H", "BOARDING", "LANDING_WELCOME"])
        #expect(report.messages("REMINDER_24H").first?["at"] == Value.instant(.at("2026-07-08T08:00:00Z")))
        #expect(report.alerts.contains { $0["code"] == "TRIP_UPDATE_REFUSED" })
    }
}
