import FlowEngine
import FlowRuntime
import Travel
import Testing

/// The shipped `workflows/flight-notifications.yaml`, dry-run over AeroAPI fixtures (`domain/flight-notifications.md`).
@Suite struct FlightNotificationScenarioTests {
    typealias S = FlightScenario

    static let departed = S.flight(gate: "B32", actualOut: "2026-07-08T21:09:00Z", status: "En Route / On Time")
    static let arrived = S.flight(gate: "B32", actualOut: "2026-07-08T21:09:00Z", actualOn: "2026-07-09T05:01:00Z",
                                  status: "Arrived / Gate Arrival", progress: 100)

    @Test func normalFlightSendsEveryMessageOnceAtTheRightTime() async throws {
        let fixtures = DryRunFixtures(aeroapi: [
            S.answer("2026-07-08T00:00:00Z", S.flight()),
            S.answer("2026-07-08T19:00:00Z", S.flight(gate: "B32")),
            S.answer("2026-07-08T21:10:00Z", Self.departed),
            S.answer("2026-07-09T05:00:00Z", Self.arrived),
        ])
        let report = try await S.run(fixtures: fixtures)
        #expect(report.status == "succeeded")
        #expect(report.types == ["RESERVATION_CONFIRMATION", "REMINDER_24H", "BOARDING", "LANDING_WELCOME"])
        let m = report.messages
        #expect(m[0]["at"] == Value.instant(.at("2026-07-06T10:00:00Z")))
        #expect(m[0]["template"] == "copy_confirmacion_reserva")
        #expect(m[0]["variables"] == ["1": "Ana", "2": "BA245", "3": "LHR", "4": "JFK", "5": "Mié 8 Jul 22:05 hs (LHR)"])
        // Due 22:05 London the day before: quiet, deferred to 09:00 London (13h before departure ≥ 12h).
        #expect(m[1]["at"] == Value.instant(.at("2026-07-08T08:00:00Z")))
        #expect(m[1]["local_time"] == "2026-07-08T09:00:00+01:00")
        #expect(m[1]["variables"] == ["1": "Ana", "2": "LHR", "3": "8 Jul 22:05 hs", "4": "buen clima para volar",
                                      "5": "JFK", "6": "¡Buen viaje!"])
        // Boarding at estimate − 35m, with the gate of the lookup made at that moment; no GATE_CHANGE for it.
        #expect(m[2]["at"] == Value.instant(.at("2026-07-08T20:30:00Z")))
        #expect(m[2]["template"] == "embarcando")
        #expect(m[2]["variables"] == ["1": "BA245", "2": "B32"])
        // Landed 01:01 New York: quiet, welcomed at 09:00 New York.
        #expect(m[3]["at"] == Value.instant(.at("2026-07-09T13:00:00Z")))
        #expect(m[3]["local_time"] == "2026-07-09T09:00:00-04:00")
        #expect(m[3]["variables"]?["2"] == "tu alojamiento reservado")
        // deferred_from: the instant quiet hours moved the message from; null when sent when due.
        #expect(m.map { $0["deferred_from"] } == [
            .null, .instant(.at("2026-07-07T21:05:00Z")), .null, .instant(.at("2026-07-09T05:05:00Z")),
        ])
    }

    @Test func firstPollAtSixHoursThenTheCadenceTable() async throws {
        let report = try await S.run(fixtures: DryRunFixtures(aeroapi: [
            S.answer("2026-07-08T00:00:00Z", S.flight(gate: "B32")),
            S.answer("2026-07-08T21:10:00Z", Self.departed),
            S.answer("2026-07-09T05:00:00Z", Self.arrived),
        ]))
        let polls = report.history.filter { $0.kind == .stepCalled && $0.details["step"] == "aeroapi.flight" }.map(\.at)
        #expect(polls == [
            "2026-07-08T15:05:00Z", "2026-07-08T17:05:00Z",  // T−6h, then every 2h
            "2026-07-08T17:45:00Z", "2026-07-08T18:25:00Z", "2026-07-08T19:05:00Z", "2026-07-08T19:45:00Z",
            "2026-07-08T20:25:00Z",  // every 40m until the last hour
            "2026-07-08T20:30:00Z",  // the boarding lookup at T−35m
            "2026-07-08T20:45:00Z", "2026-07-08T21:00:00Z", "2026-07-08T21:15:00Z",  // every 15m
            "2026-07-09T05:05:00Z",  // departed: next check at the estimated arrival
        ].map { Instant.at($0) })
        #expect(report.calls["aeroapi"] == polls.count)
    }

    @Test func anotherDaysInstanceIsIgnored() async throws {
        let yesterday = S.flight(id: "BA245-yesterday", scheduledOut: "2026-07-07T21:05:00Z",
                                 estimatedOut: "2026-07-07T23:40:00Z", gate: "C9", status: "Scheduled / Delayed")
        let report = try await S.run(fixtures: DryRunFixtures(aeroapi: [
            S.answer("2026-07-08T00:00:00Z", yesterday, S.flight(gate: "B32")),
            S.answer("2026-07-08T21:10:00Z", yesterday, Self.departed),
            S.answer("2026-07-09T05:00:00Z", yesterday, Self.arrived),
        ]))
        #expect(report.types == ["RESERVATION_CONFIRMATION", "REMINDER_24H", "BOARDING", "LANDING_WELCOME"])
        #expect(report.messages("BOARDING").first?["variables"] == ["1": "BA245", "2": "B32"])
    }

    /// The cadence counts down to the scheduled departure: the +10m estimate seen at 17:05 (T−4h,
    /// not announced) must not put the flight back in the 2h band and skip the 40m checks.
    @Test func delayIsAnnouncedOnceWithTheConcreteTimeAgainstTheLastNotifiedEstimate() async throws {
        let report = try await S.run(fixtures: DryRunFixtures(aeroapi: [
            S.answer("2026-07-08T00:00:00Z", S.flight(gate: "B32")),
            // +10m: under the threshold.
            S.answer("2026-07-08T16:00:00Z", S.flight(estimatedOut: "2026-07-08T21:15:00Z", gate: "B32")),
            // Status and time say delayed in one evaluation: one message, 22:47 → key rounded to 22:45.
            S.answer("2026-07-08T17:30:00Z", S.flight(estimatedOut: "2026-07-08T21:47:00Z", gate: "B32",
                                                      status: "Scheduled / Delayed")),
            // The estimate disappears, then comes back 10m later than the notified one: nothing.
            S.answer("2026-07-08T18:00:00Z", S.flight(estimatedOut: nil, gate: "B32", status: "Scheduled / Delayed")),
            S.answer("2026-07-08T19:00:00Z", S.flight(estimatedOut: "2026-07-08T21:57:00Z", gate: "B32",
                                                      status: "Scheduled / Delayed")),
            S.answer("2026-07-08T22:00:00Z", S.flight(gate: "B32", actualOut: "2026-07-08T21:58:00Z",
                                                      status: "En Route / Delayed")),
            S.answer("2026-07-09T05:00:00Z", Self.arrived),
        ]))
        let delayed = report.messages("DELAYED")
        #expect(delayed.count == 1)
        #expect(delayed.first?["at"] == Value.instant(.at("2026-07-08T17:45:00Z")))
        #expect(delayed.first?["template"] == "demorado")
        #expect(delayed.first?["variables"] == ["1": "Ana", "2": "BA245", "3": "Mié 8 Jul 22:47 hs (LHR)"])
        let claim = report.history.first { $0.kind == .messageSent && $0.details["type"] == "DELAYED" }
        #expect(claim?.details["key"] == "2026-07-08T21:45:00Z")
        // Boarding follows the live estimate (21:57 − 35m).
        #expect(report.messages("BOARDING").first?["at"] == Value.instant(.at("2026-07-08T21:22:00Z")))
    }

    @Test func gateChangedTwiceSendsTwoMessagesAndAFirstAssignmentNone() async throws {
        let report = try await S.run(fixtures: DryRunFixtures(aeroapi: [
            S.answer("2026-07-08T00:00:00Z", S.flight()),
            S.answer("2026-07-08T17:00:00Z", S.flight(gate: "B32")),
            S.answer("2026-07-08T18:00:00Z", S.flight(gate: "B40")),
            S.answer("2026-07-08T19:00:00Z", S.flight(gate: "C12")),
            S.answer("2026-07-08T21:10:00Z", S.flight(gate: "C12", actualOut: "2026-07-08T21:09:00Z", status: "En Route")),
            S.answer("2026-07-09T05:00:00Z", S.flight(gate: "C12", actualOn: "2026-07-09T05:01:00Z", status: "Arrived")),
        ]))
        let changes = report.messages("GATE_CHANGE")
        #expect(changes.map { $0["variables"]?["3"] } == ["B40", "C12"])
        #expect(changes.map { $0["at"] } == [Value.instant(.at("2026-07-08T18:25:00Z")), Value.instant(.at("2026-07-08T19:05:00Z"))])
        #expect(changes.first?["template"] == "cambio_gate")
        #expect(report.messages("BOARDING").first?["variables"] == ["1": "BA245", "2": "C12"])
    }

    @Test func cancellationIsAnnouncedOnceAndStopsTheWatch() async throws {
        let report = try await S.run(fixtures: DryRunFixtures(aeroapi: [
            S.answer("2026-07-08T00:00:00Z", S.flight(gate: "B32")),
            S.answer("2026-07-08T17:30:00Z", S.flight(estimatedOut: nil, gate: "B32", status: "Cancelled", cancelled: true)),
        ]))
        #expect(report.status == "succeeded")
        #expect(report.types == ["RESERVATION_CONFIRMATION", "REMINDER_24H", "CANCELLED"])
        #expect(report.messages("CANCELLED").first?["at"] == Value.instant(.at("2026-07-08T17:45:00Z")))
        #expect(report.messages("CANCELLED").first?["variables"] == ["1": "Ana", "2": "BA245"])
        #expect(report.calls["aeroapi"] == 3)
    }

    @Test func diversionIsAnnouncedAndNotWelcomed() async throws {
        let report = try await S.run(fixtures: DryRunFixtures(aeroapi: [
            S.answer("2026-07-08T00:00:00Z", S.flight(gate: "B32")),
            S.answer("2026-07-08T21:10:00Z", Self.departed),
            S.answer("2026-07-09T05:00:00Z", S.flight(gate: "B32", actualOut: "2026-07-08T21:09:00Z",
                                                      actualOn: "2026-07-09T05:20:00Z", status: "Diverted",
                                                      diverted: true, destination: "BOS", progress: 100)),
        ]))
        #expect(report.types == ["RESERVATION_CONFIRMATION", "REMINDER_24H", "BOARDING", "DIVERTED"])
        #expect(report.messages("DIVERTED").first?["variables"] == ["1": "Ana", "2": "BA245", "3": "BOS"])
    }

    @Test func boardingWithoutAGateSaysCheckTheScreens() async throws {
        let report = try await S.run(fixtures: DryRunFixtures(aeroapi: [
            S.answer("2026-07-08T00:00:00Z", S.flight()),
            S.answer("2026-07-08T21:10:00Z", Self.departed),
            S.answer("2026-07-09T05:00:00Z", Self.arrived),
        ]))
        #expect(report.messages("BOARDING").first?["variables"] == ["1": "BA245", "2": "Ver pantallas del aeropuerto"])
        #expect(report.messages("GATE_CHANGE").isEmpty)
    }

    @Test func anHourOf429DoesNotStopTheWatch() async throws {
        let report = try await S.run(fixtures: DryRunFixtures(aeroapi: [
            S.answer("2026-07-08T00:00:00Z", S.flight(gate: "B32")),
            S.error("2026-07-08T17:00:00Z", status: 429),
            S.answer("2026-07-08T18:00:00Z", S.flight(gate: "B32")),
            S.answer("2026-07-08T21:10:00Z", Self.departed),
            S.answer("2026-07-09T05:00:00Z", Self.arrived),
        ]))
        #expect(report.status == "succeeded")
        #expect(report.alerts.isEmpty)
        #expect(report.types == ["RESERVATION_CONFIRMATION", "REMINDER_24H", "BOARDING", "LANDING_WELCOME"])
    }

    @Test func threeConsecutiveNoMatchesAlertAndStop() async throws {
        let report = try await S.run(fixtures: DryRunFixtures(aeroapi: [
            S.answer("2026-07-08T00:00:00Z", S.flight(id: "other-day", scheduledOut: "2026-07-09T21:05:00Z")),
        ]))
        #expect(report.status == "succeeded")
        #expect(report.alerts.map { $0["code"] } == ["AEROAPI_NO_MATCH"])
        #expect(report.calls["aeroapi"] == 3)
        #expect(report.types == ["RESERVATION_CONFIRMATION", "REMINDER_24H"])
    }
}
