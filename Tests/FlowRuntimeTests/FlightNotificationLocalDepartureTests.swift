import FlowEngine
import FlowRuntime
import Foundation
import Testing
import Travel

private typealias S = FlightScenario

/// `departure_local` (docs/flight-notifications.md, "Local departure times"): converted once with the
/// origin's zone, DST gaps forward and overlaps to the earlier offset, every message showing the
/// same wall-clock time; both or neither given, or a `departure` without an offset, are errors.
@Suite("Flight notifications: local departure times")
struct FlightNotificationLocalDepartureTests {
    static func example(_ name: String) async throws -> DryRunReport {
        try await FlightNotificationLateBookingTests.example(name)
    }

    static func trip(_ fields: [String: Value]) -> Value {
        var object = S.trip.objectValue!
        object["departure"] = nil
        for (key, value) in fields { object[key] = value }
        return .object(object)
    }

    /// (example, confirmation "5", reminder at, its local time, reminder "3", boarding at)
    static let cases: [(String, String, String, String, String, String)] = [
        // London's spring-forward night: 01:30 does not exist, it is 02:30 BST (01:30Z).
        ("departure-local-gap", "Dom 29 Mar 02:30 hs (LHR)", "2026-03-28T09:00:00Z", "2026-03-28T09:00:00Z",
         "29 Mar 02:30 hs", "2026-03-29T00:55:00Z"),
        // London's fall-back night: 01:30 happens twice; the first, BST (00:30Z).
        ("departure-local-overlap", "Dom 25 Oct 01:30 hs (LHR)", "2026-10-24T08:00:00Z", "2026-10-24T09:00:00+01:00",
         "25 Oct 01:30 hs", "2026-10-24T23:55:00Z"),
    ]

    @Test("the examples across London's DST nights", arguments: cases)
    func examples(
        example: String, human: String, reminderAt: String, reminderLocal: String, local: String, boarding: String
    ) async throws {
        let report = try await Self.example(example)
        #expect(report.status == "succeeded")
        #expect(report.messages("RESERVATION_CONFIRMATION").first?["variables"]?["5"] == .string(human))
        let reminder = try #require(report.messages("REMINDER_24H").first)
        #expect(reminder["at"] == .instant(.at(reminderAt)))
        #expect(reminder["local_time"] == .string(reminderLocal))
        #expect(reminder["variables"]?["3"] == .string(local))
        #expect(report.messages("BOARDING").first?["at"] == .instant(.at(boarding)))
    }

    @Test("departure_local is the same trip as the departure it denotes")
    func sameAsInstant() async throws {
        let local = try await S.run(
            trip: Self.trip(["departure_local": "2026-07-08T22:05:00"]), fixtures: DryRunFixtures())
        let instant = try await S.run(trip: S.trip, fixtures: DryRunFixtures())
        #expect(local.messages == instant.messages)
        #expect(local.messages("REMINDER_24H").first?["variables"]?["3"] == "8 Jul 22:05 hs")
    }

    @Test("Buenos Aires has no DST: the wall time is -03:00 all year")
    func noDST() async throws {
        let report = try await S.run(
            trip: Self.trip(["origin": "EZE", "destination": "MAD", "departure_local": "2026-07-08T22:05"]),
            fixtures: DryRunFixtures())
        let confirmation = try #require(report.messages("RESERVATION_CONFIRMATION").first)
        #expect(confirmation["variables"]?["5"] == "Mié 8 Jul 22:05 hs (EZE)")
        // The reminder: 24h before 2026-07-09T01:05Z is 22:05 Buenos Aires, quiet → 09:00 (12:00Z).
        #expect(report.messages("REMINDER_24H").first?["at"] == .instant(.at("2026-07-08T12:00:00Z")))
    }

    @Test("both, or neither, end the instance with invalid_trip naming what came", arguments: [
        (["departure": .instant(.at("2026-07-08T21:05:00Z")), "departure_local": "2026-07-08T22:05:00"], "both"),
        ([:], "neither"),
    ] as [([String: Value], String)])
    func bothOrNeither(fields: [String: Value], word: String) async throws {
        let report = try await S.run(trip: Self.trip(fields), fixtures: DryRunFixtures())
        #expect(report.status == "failed")
        #expect(report.messages.isEmpty)
        let completed = try #require(report.history.last { $0.kind == .completed })
        let text = Value.object(completed.details).jsonText
        #expect(text.contains("invalid_trip"), "\(text)")
        #expect(text.contains(word), "\(text)")
    }

    @Test("a departure without an offset is an input error that says what an instant needs")
    func naiveDeparture() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("naive-\(UUID().uuidString).json").path
        var object = S.trip.objectValue!
        object["departure"] = "2026-03-29T02:30:00"
        try (["trip": .object(object)] as Value).jsonText.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let outcome = await DryRunInvocation(
            flowPath: S.workflows + "/flight-notifications.yaml", inputPath: path, start: "2026-03-26T10:00:00Z",
            product: TravelProduct()).run(now: .at("2026-03-26T10:00:00Z"))
        #expect(outcome.exitCode == 64)
        #expect(outcome.standardError.contains("input.trip.departure must be instant, not '2026-03-29T02:30:00'"))
        #expect(outcome.standardError.contains("an instant needs a zone offset"))
        #expect(outcome.standardError.contains("departure_local"))
    }

    @Test("the trips recorder converts departure_local with the origin's zone, and refuses both or neither")
    func recorder() throws {
        func record(_ fields: [String: Value]) throws -> TripRecord {
            try TripRecord(trip: Self.trip(fields), agency: "acme", instanceID: nil, at: .at("2026-03-01T00:00:00Z"))
        }
        #expect(try record(["departure_local": "2026-03-29T01:30:00"]).departureAt == .at("2026-03-29T01:30:00Z"))
        #expect(try record(["departure_local": "2026-10-25T01:30"]).departureAt == .at("2026-10-25T00:30:00Z"))
        #expect(throws: TripRecord.DocumentError.self) {
            try record(["departure_local": "2026-10-25T01:30", "departure": "2026-10-25T00:30:00Z"])
        }
        #expect(throws: TripRecord.DocumentError.self) { try record([:]) }
        #expect(throws: TripRecord.DocumentError.self) { try record(["departure": "2026-10-25T01:30:00"]) }
    }
}
