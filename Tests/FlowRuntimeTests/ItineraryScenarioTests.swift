import FlowEngine
import FlowRuntime
import Travel
import Foundation
import Testing

/// Dry-runs of the shipped `workflows/itinerary.yaml` over fixtures.
@Suite("Itinerary scenarios")
struct ItineraryScenarioTests {
    typealias S = ItineraryScenario

    /// 4 days in Madrid: 9 Jul (arrival, the departure's date in Madrid) to 12 Jul (the return).
    static let madrid = S.days(from: "2026-07-09", count: 4)

    @Test("the wait before generating depends on the time to departure", arguments: [
        ("2026-08-15T12:00:00Z", "2h"),   // 45 days
        ("2026-07-31T12:00:01Z", "2h"),   // just over 30 days
        ("2026-07-31T12:00:00Z", "1h"),   // exactly 30 days
        ("2026-07-08T12:00:00Z", "1h"),   // exactly 7 days
        ("2026-07-08T11:59:59Z", "30m"),  // just under 7 days
        ("2026-07-02T12:00:00Z", "30m"),  // exactly 1 day
        ("2026-07-02T11:59:00Z", "5m"),   // under a day
        ("2026-07-01T15:00:00Z", "5m"),
    ])
    func delayBands(departure: String, delay: String) async throws {
        let trip = S.trip(departure: departure, ["return": .null, "stay_end": .null])
        let first = String(departure.prefix(10))
        let report = try await S.run(trip: trip, fixtures: DryRunFixtures(
            openai: [S.answer(S.days(from: first, count: 3))], trips: []))
        let generate = try #require(S.called(report, "openai.chat").first)
        #expect(generate.at == S.start + TimeSpan(parsing: delay)!, "departure \(departure)")
        #expect(report.status == "succeeded")
    }

    @Test("a delay band is an overridable setting")
    func delayOverride() async throws {
        // Departure 7 days 13 hours after the start: the 7–30 days band.
        let report = try await S.run(fixtures: DryRunFixtures(openai: [S.answer(Self.madrid)]),
                                     settings: ["delay_weeks": .duration(.minutes(45))])
        #expect(S.called(report, "openai.chat").first?.at == S.start + .minutes(45))
    }

    @Test("trip length from the trip's dates", arguments: [
        (["return": "2026-07-12T18:00:00+02:00"] as [String: Value], "2026-07-09", 4, "return"),
        (["return": .null, "stay_end": "2026-07-15"], "2026-07-09", 7, "stay_end"),
        (["arrival": "2026-07-10T14:00:00+02:00", "return": "2026-07-11T09:00:00+02:00"], "2026-07-10", 2, "return"),
        (["return": .null], "2026-07-09", 3, "setting"),
        (["return": "2026-09-30T10:00:00+02:00"], "2026-07-09", 14, "return"),
    ])
    func tripLength(extra: [String: Value], first: String, days: Int, source: String) async throws {
        let report = try await S.run(trip: S.trip(extra), fixtures: DryRunFixtures(
            openai: [S.answer(S.days(from: first, count: days))]))
        #expect(report.status == "succeeded")
        let check = try #require(S.called(report, "itinerary.check").first?.details["input"])
        #expect(check["days"] == .number(Double(days)) && check["first_day"] == .string(first))
        let prompt = S.called(report, "openai.chat").first?.details["input"]?["messages"]?[1]?["content"]?.stringValue
        #expect(prompt?.contains("Exactamente \(days) día") == true)
        #expect(S.results(report, "itinerary.save").first?["day_count"] == .number(Double(days)))
        let output = report.history.last { $0.kind == .completed }?.details["output"]
        #expect(output?["days"] == .number(Double(days)) && output?["length_from"] == .string(source))
    }

    @Test("a valid itinerary is saved as version 1, a re-run saves version 2, each then ITINERARY_READY")
    func versions() async throws {
        let first = try await S.run(fixtures: DryRunFixtures(openai: [S.answer(Self.madrid)]))
        #expect(first.status == "succeeded")
        let saved = try #require(S.results(first, "itinerary.save").first)
        #expect(saved["version"] == 1 && saved["day_count"] == 4 && saved["trip_id"] == "trip-mad")
        let stored = try #require(S.called(first, "itinerary.save").first?.details["input"])
        #expect(stored["raw_prompt"]?.stringValue?.contains("Ana Pérez") == true)
        #expect(stored["itinerary"]?["days"]?.arrayValue?.count == 4)
        #expect(first.messages.map { $0["type"] } == ["ITINERARY_READY"])
        #expect(first.messages.first?["variables"] == ["1": "Ana Pérez", "2": "Madrid", "3": "4"])
        #expect(first.messages.first?["template"] == "itinerario_listo")

        // The re-run finds version 1 in the store (the first run's itinerary) and saves version 2.
        let trip = try TripRecord(trip: S.trip(), agency: nil, instanceID: nil, at: S.start)
        let earlier = DryRunFixtures.SavedItinerary(tripID: "trip-mad", itinerary: try #require(stored["itinerary"]))
        let second = try await S.run(fixtures: DryRunFixtures(openai: [S.answer(Self.madrid)], trips: [trip],
                                                               itineraries: [earlier]))
        #expect(S.results(second, "itinerary.save").first?["version"] == 2)
        #expect(second.messages.count == 1)
        #expect(S.called(second, "notify.send").first?.details["input"]?["key"] == "v2")
    }

    @Test("an invalid first answer is retried with its errors; the second is saved")
    func retryWithErrors() async throws {
        let invalid = S.days(from: "2026-07-09", count: 4) { i in
            i == 1 ? [] : [S.item("Paseo \(i + 1)", start: i == 2 ? "25:00" : "10:00")]
        }
        let report = try await S.run(fixtures: DryRunFixtures(openai: [S.answer(invalid), S.answer(Self.madrid)]))
        #expect(report.status == "succeeded")
        #expect(report.calls["openai"] == 2)
        let checks = S.results(report, "itinerary.check")
        #expect(checks.map { $0["valid"] } == [false, true])
        #expect(checks.first?["errors"] == [
            "day 2 (2026-07-10) has no items", "day 3 item 1 (Paseo 3): start_time '25:00' is not a time HH:MM",
        ])
        let retry = try #require(S.called(report, "openai.chat").last?.details["input"]?["messages"]?.arrayValue)
        #expect(retry.count == 4)
        #expect(retry[2] == ["role": "assistant", "content": .string(invalid.jsonText)])
        let feedback = retry[3]["content"]?.stringValue ?? ""
        #expect(feedback.contains("day 2 (2026-07-10) has no items") && feedback.contains("'25:00'"))
        #expect(S.results(report, "itinerary.save").first?["version"] == 1)
        #expect(report.messages.count == 1)
    }

    @Test("two invalid answers: the flow fails with an alert, nothing saved, no ITINERARY_READY")
    func twoInvalid() async throws {
        let gap = S.days(from: "2026-07-09", count: 4) { [S.item("Día \($0 + 1)")] }
        var skipped = gap
        skipped = ["days": .array(Array(gap["days"]!.arrayValue!.prefix(2)) + [
            ["date": "2026-07-12", "items": [S.item("Retiro", start: "18:00", end: "17:00")]],
        ])]
        let report = try await S.run(fixtures: DryRunFixtures(openai: [S.answer(skipped), S.answer(skipped)]))
        #expect(report.status == "failed")
        #expect(report.calls["openai"] == 2)
        #expect(S.alerts(report) == ["ITINERARY_INVALID"])
        #expect(S.called(report, "itinerary.save").isEmpty && S.called(report, "notify.send").isEmpty)
        #expect(report.messages.isEmpty && report.calls["twilio"] == 0)
        let errors = S.results(report, "itinerary.check").last?["errors"]?.arrayValue ?? []
        #expect(errors.contains("expected 4 days (2026-07-09 to 2026-07-12), got 3"))
        #expect(errors.contains("day 3: date '2026-07-12' should be 2026-07-11 (days are consecutive from 2026-07-09)"))
        #expect(errors.contains("day 3 item 1 (Retiro): end_time 17:00 is not after start_time 18:00"))
    }

    @Test("a reply that breaks the schema counts as an invalid answer, and is retried")
    func schemaMismatchRetried() async throws {
        let broken = DryRunFixtures.Answer(from: nil, status: 200, body: ["content": #"{"days": "mañana"}"#])
        let report = try await S.run(fixtures: DryRunFixtures(openai: [broken, S.answer(Self.madrid)]))
        #expect(report.status == "succeeded" && report.calls["openai"] == 2)
        let feedback = S.called(report, "openai.chat").last?.details["input"]?["messages"]?.arrayValue?.last
        #expect(feedback?["content"]?.stringValue?.contains("schema") == true)
    }

    @Test("an OpenAI outage: failure with an alert, no ITINERARY_READY")
    func outage() async throws {
        let quota = DryRunFixtures.Answer(from: nil, status: 429, body: [
            "error": ["message": "quota", "type": "insufficient_quota", "code": "insufficient_quota"],
        ])
        let report = try await S.run(fixtures: DryRunFixtures(openai: [quota]))
        #expect(report.status == "failed")
        #expect(S.alerts(report) == ["ITINERARY_GENERATION_FAILED"])
        #expect(report.messages.isEmpty)
    }

    @Test("an item matching an agency place is marked source: agency with the place's address")
    func agencyPlaces() async throws {
        let places: Value = [
            ["name": "Casa Lucio", "address": "Calle Cava Baja 35, Madrid", "city": "Madrid"],
            ["name": "Museo del Prado", "address": "Paseo del Prado s/n", "city": "Madrid"],
            ["name": "Casa Lucio", "address": "Otra calle 1", "city": "Sevilla"],
        ]
        let answer = S.days(from: "2026-07-09", count: 4) { i in
            switch i {
            case 0: [S.item("  casa LUCIO ", start: "21:00", end: .null, address: "Cava Baja")]
            case 1: [S.item("Un bar cualquiera", source: "agency"), S.item("Museo", address: "Paseo del Prado s/n")]
            default: [S.item("Paseo \(i + 1)")]
            }
        }
        let report = try await S.run(fixtures: DryRunFixtures(openai: [S.answer(answer)]),
                                     settings: ["agency_places": places])
        #expect(report.status == "succeeded")
        let prompt = S.called(report, "openai.chat").first?.details["input"]?["messages"]?[1]?["content"]?.stringValue
        #expect(prompt?.contains("Casa Lucio; Museo del Prado; Casa Lucio") == true)
        let saved = try #require(S.called(report, "itinerary.save").first?.details["input"]?["itinerary"]?["days"])
        #expect(saved[0]?["items"]?[0]?["source"] == "agency")
        #expect(saved[0]?["items"]?[0]?["address"] == "Calle Cava Baja 35, Madrid")
        #expect(saved[1]?["items"]?[0]?["source"] == "suggested")
        #expect(saved[1]?["items"]?[1]?["source"] == "agency")
        #expect(saved[2]?["items"]?[0]?["source"] == "suggested")
        #expect(S.results(report, "itinerary.check").first?["agency_items"] == 2)
    }
}
