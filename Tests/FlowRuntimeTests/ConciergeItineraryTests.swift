import FlowEngine
import FlowRuntime
import Travel
import Foundation
import Testing

/// The concierge's itinerary answer (from `itinerary.latest`), the enforced word limit of free
/// answers, and where turns go when no single trip matches.
@Suite("Concierge: itinerary summary and word limit")
struct ConciergeItineraryTests {
    typealias S = ConciergeScenario

    static func day(_ date: String, _ titles: [String]) -> Value {
        ["date": .string(date), "items": .array(titles.map { title in
            ["title": .string(title), "type": "attraction", "address": "Calle 1", "city": "Madrid",
             "start_time": "10:00", "end_time": .null, "source": "suggested"]
        })]
    }

    static let older = DryRunFixtures.SavedItinerary(tripID: "trip-mad", itinerary: ["days": [
        day("2026-07-09", ["Viejo plan"]), day("2026-07-10", ["Otro"]),
    ]])
    static let latest = DryRunFixtures.SavedItinerary(tripID: "trip-mad", itinerary: ["days": [
        day("2026-07-09", ["Museo del Prado", "Casa Lucio"]), day("2026-07-10", ["Parque del Retiro"]),
        day("2026-07-11", ["Toledo"]), day("2026-07-12", ["Vuelta"]),
    ]])

    @Test("a saved itinerary: the day count and the first days' titles of the latest version")
    func summary() async throws {
        let fixtures = DryRunFixtures(trips: [S.madrid], itineraries: [Self.older, Self.latest])
        let report = try await S.run(body: "¿Cuál es mi itinerario?", fixtures: fixtures)
        #expect(report.status == "succeeded")
        #expect(S.replies(report) == [
            "Tu itinerario para Madrid tiene 4 días. Día 1: Museo del Prado, Casa Lucio. Día 2: Parque del Retiro. "
                + "Día 3: Toledo. Y 1 día más. Tu agencia te lo envía completo por este medio.",
        ])
        #expect(S.calls(report, "itinerary.latest") == [["trip_id": "trip-mad"]])
        #expect(report.calls["openai"] == 0)
    }

    @Test("a one-day itinerary, with a day's titles cut to 12 words")
    func oneDay() async throws {
        let titles = (1...8).map { "Lugar número \($0)" }
        let one = DryRunFixtures.SavedItinerary(tripID: "trip-mad", itinerary: ["days": [Self.day("2026-07-09", titles)]])
        let report = try await S.run(body: "itinerario", fixtures: DryRunFixtures(trips: [S.madrid], itineraries: [one]))
        #expect(S.replies(report) == [
            "Tu itinerario para Madrid tiene 1 día. Día 1: Lugar número 1, Lugar número 2, Lugar número 3, "
                + "Lugar número 4…. Tu agencia te lo envía completo por este medio.",
        ])
    }

    @Test("only another trip has an itinerary: still \"not ready\"")
    func otherTripOnly() async throws {
        let other = S.bariloche.withID("trip-other", whatsapp: "+5491100000009")
        let theirs = DryRunFixtures.SavedItinerary(tripID: "trip-other", itinerary: Self.latest.itinerary)
        let report = try await S.run(body: "Quiero ver el itinerario",
                                     fixtures: DryRunFixtures(trips: [S.madrid, other], itineraries: [theirs]))
        #expect(S.replies(report) == [
            "Tu itinerario para Madrid todavía no está listo. Te lo vamos a enviar por acá apenas esté preparado.",
        ])
    }

    @Test("a free answer longer than 90 words is cut at a word boundary with an ellipsis")
    func wordLimit() async throws {
        let long = (1...130).map { "palabra\($0)" }.joined(separator: " ") + "."
        let fixtures = DryRunFixtures(
            openai: [.init(from: nil, status: 200, body: ["content": #"{"intent":"general"}"#]),
                     .init(from: nil, status: 200, body: ["content": .string("  " + long + "  ")])],
            trips: [S.madrid])
        let report = try await S.run(body: "Contame todo sobre Madrid", fixtures: fixtures)
        let reply = try #require(S.replies(report).first)
        #expect(reply.split(whereSeparator: \.isWhitespace).count == 90)
        #expect(reply.hasPrefix("palabra1 palabra2 ") && reply.hasSuffix("palabra90…"))
        let system = S.calls(report, "openai.chat").last?["messages"]?.arrayValue?.first?["content"]?.stringValue
        #expect(system?.contains("en 90 palabras o menos") == true)
        // The stored bot turn is the reply as sent.
        #expect(S.calls(report, "conversation.append").last?["message"] == .string(reply))
    }

    @Test("no trip or several trips: no turn is stored; the message and the reply stay in the instance")
    func turnsWithoutTrip() async throws {
        for (fixtures, from) in [(DryRunFixtures(trips: [S.madrid]), "+5491100000000"),
                                 (DryRunFixtures(trips: [S.madrid, S.bariloche]), S.number)] {
            let report = try await S.run(body: "hola", fixtures: fixtures, from: from)
            #expect(S.calls(report, "conversation.append").isEmpty)
            let output = report.history.last { $0.kind == .completed }?.details["output"]
            #expect(output?["reply"] == S.replies(report).first.map(Value.string))
        }
    }
}

extension TripRecord {
    /// The same trip under another id (and number).
    func withID(_ id: String, whatsapp: String? = nil) -> TripRecord {
        var copy = self
        copy.id = id
        if let whatsapp { copy.whatsapp = whatsapp }
        return copy
    }
}
