import FlowEngine
import FlowRuntime
import Travel
import Foundation

/// A trip, model answers and the dry-run of the shipped itinerary flow.
enum ItineraryScenario {
    static let start = Instant(iso8601: "2026-07-01T12:00:00Z")!

    /// EZE → MAD departing 8 Jul 22:05 Buenos Aires (9 Jul 03:05 in Madrid), back on 12 Jul: 4 days in Madrid.
    static func trip(departure: String = "2026-07-08T22:05:00-03:00", _ extra: [String: Value] = [
        "return": "2026-07-12T18:00:00+02:00",
    ]) -> Value {
        var trip: [String: Value] = [
            "id": "trip-mad", "agency_id": "acme", "client_name": "Ana Pérez", "whatsapp": "+5491155550000",
            "flight_number": "AR1140", "origin": "EZE", "destination": "MAD", "departure": .string(departure),
        ]
        trip.merge(extra) { $1 }
        return .object(trip)
    }

    static func item(_ title: String, start: String = "10:00", end: Value = "12:00", city: String = "Madrid",
                     address: String = "Calle Mayor 1", source: String = "suggested") -> Value {
        ["title": .string(title), "type": "attraction", "address": .string(address), "city": .string(city),
         "start_time": .string(start), "end_time": end, "source": .string(source)]
    }

    /// An itinerary of consecutive days from `first` (YYYY-MM-DD), one item a day unless `items` says otherwise.
    static func days(from first: String, count: Int, items: (Int) -> [Value] = { [item("Paseo \($0 + 1)")] }) -> Value {
        let date = ItineraryCheck.parseDate(first)!
        return ["days": .array((0..<count).map { i in
            ["date": .string(ItineraryCheck.text(CivilDate(daysSinceEpoch: date.daysSinceEpoch + i))),
             "items": .array(items(i))]
        })]
    }

    static func answer(_ itinerary: Value) -> DryRunFixtures.Answer {
        .init(from: nil, status: 200, body: ["content": .string(itinerary.jsonText)])
    }

    static func settings(_ changes: [String: Value] = [:]) throws -> [String: Value] {
        let directory = WorkflowDirectory.load(path: ConciergeScenario.workflows, catalogue: .standard)
        return try directory.effectiveSettings(flow: "itinerary", agency: nil).merging(changes) { $1 }
    }

    static func run(trip: Value = trip(), fixtures: DryRunFixtures, settings changes: [String: Value] = [:],
                    start: Instant = start) async throws -> DryRunReport {
        let directory = WorkflowDirectory.load(path: ConciergeScenario.workflows, catalogue: .standard)
        let flow = try directory.effectiveFlow("itinerary", agency: nil)
        return try await DryRun(flow: flow, input: ["trip": trip], settings: .object(try settings(changes)),
                                agency: nil, fixtures: fixtures, start: start, product: TravelProduct()).run()
    }

    /// The outputs of every successful call of a step, in order.
    static func results(_ report: DryRunReport, _ step: String) -> [Value] {
        report.history.filter { $0.kind == .stepSucceeded && $0.details["step"] == .string(step) }
            .map { $0.details["output"] ?? .null }
    }

    /// The history entries of every call of a step, in order.
    static func called(_ report: DryRunReport, _ step: String) -> [HistoryEntry] {
        report.history.filter { $0.kind == .stepCalled && $0.details["step"] == .string(step) }
    }

    static func alerts(_ report: DryRunReport) -> [String] {
        report.history.filter { $0.kind == .alert }.compactMap { $0.details["code"]?.stringValue }
    }
}

extension Value {
    /// The item at `index` of a list (nil past the end or for anything else): for reading results in tests.
    subscript(_ index: Int) -> Value? {
        guard let list = arrayValue, list.indices.contains(index) else { return nil }
        return list[index]
    }
}
