import FlowEngine
import FlowRuntime
import Travel
import Foundation
import Testing

/// The concierge for a trip whose language is English: English replies, English city names and
/// times, and an English answer asked of the model. Spanish is unchanged (`ConciergeScenarioTests`).
@Suite("Concierge in English")
struct ConciergeEnglishTests {
    typealias S = ConciergeScenario

    /// The Madrid trip of `ConciergeScenario`, in English (`EN` in any case counts).
    static let madrid = S.trip("trip-mad-en", flight: "AR1140", origin: "EZE", destination: "MAD",
                               departure: "2026-07-08T22:05:00-03:00", [
                                   "language": "EN",
                                   "documents": [["name": "Voucher", "url": "https://agency.example/v/1"]],
                               ])

    @Test("\"what time is my flight?\": the AeroAPI estimate in English, in the origin's local time")
    func flightInfo() async throws {
        let fixtures = DryRunFixtures(aeroapi: [S.flight(estimatedOut: "2026-07-09T01:35:00Z", delay: 1800, gate: "12")],
                                      trips: [Self.madrid])
        let report = try await S.run(body: "What time is my flight?", fixtures: fixtures)
        #expect(report.status == "succeeded")
        #expect(S.replies(report) == [
            "Your flight AR1140 from Buenos Aires to Madrid departs Wed 8 Jul 22:35 (EZE), local time in Buenos Aires. "
                + "It is delayed by 30 minutes. Boarding gate: 12.",
        ])
        #expect(report.calls["openai"] == 0)
    }

    @Test("AeroAPI unavailable: the booked departure, in English")
    func flightInfoUnavailable() async throws {
        let fixtures = DryRunFixtures(
            aeroapi: [.init(from: nil, status: 503, body: ["title": "down", "reason": "x", "detail": "x", "status": 503])],
            trips: [Self.madrid])
        let report = try await S.run(body: "Is my flight delayed?", fixtures: fixtures)
        #expect(S.replies(report) == [
            "I could not check the status of your flight right now. According to your booking, flight AR1140 from "
                + "Buenos Aires to Madrid departs Wed 8 Jul 22:05 (EZE), local time in Buenos Aires.",
        ])
    }

    @Test("greeting, documents, itinerary and help in English without a provider call", arguments: [
        ("hi", "Hi Ana! I am the assistant for your trip to Madrid. Ask me about your flight, your itinerary or your documents."),
        ("Where are my documents?", "I sent you 1 document(s) of your trip to Madrid: Voucher."),
        ("Show me the itinerary", "Your itinerary for Madrid is not ready yet. We will send it to you here as soon as it is."),
        ("help",
         "I can help you with your trip AR1140 EZE → MAD: write «flight» for the time and status of your flight, "
            + "«itinerary» for your travel plan or «documents» for your tickets and vouchers. You can also ask me "
            + "anything else."),
    ])
    func fixedAnswers(body: String, reply: String) async throws {
        let report = try await S.run(body: body, fixtures: DryRunFixtures(trips: [Self.madrid]))
        #expect(S.replies(report) == [reply])
        #expect(report.calls["aeroapi"] == 0 && report.calls["openai"] == 0)
    }

    @Test("a free question: the model is asked to answer in English, with the English city names")
    func generalQuestion() async throws {
        let fixtures = DryRunFixtures(
            openai: [.init(from: nil, status: 200, body: ["content": #"{"intent":"general"}"#]),
                     .init(from: nil, status: 200, body: ["content": "Bring a light jacket and an adapter."])],
            trips: [Self.madrid])
        let report = try await S.run(body: "What should I pack?", fixtures: fixtures)
        #expect(S.replies(report) == ["Bring a light jacket and an adapter."])
        let system = try #require(S.calls(report, "openai.chat").last?["messages"]?.arrayValue?.first?["content"]?.stringValue)
        #expect(system.contains("Respondé en inglés") && !system.contains("Respondé en español"), "\(system)")
        #expect(system.contains("de Buenos Aires (EZE) a Madrid (MAD)"), "\(system)")
    }

    @Test("a saved itinerary: the day count and the first days' titles, in English")
    func itinerarySummary() async throws {
        let latest = DryRunFixtures.SavedItinerary(tripID: "trip-mad-en", itinerary: ["days": [
            ConciergeItineraryTests.day("2026-07-09", ["Prado Museum", "Casa Lucio"]),
            ConciergeItineraryTests.day("2026-07-10", ["Retiro Park"]),
            ConciergeItineraryTests.day("2026-07-11", ["Toledo"]), ConciergeItineraryTests.day("2026-07-12", ["Home"]),
            ConciergeItineraryTests.day("2026-07-13", ["Extra"]),
        ]])
        let report = try await S.run(body: "What is my itinerary?", fixtures: DryRunFixtures(trips: [Self.madrid],
                                                                                         itineraries: [latest]))
        #expect(S.replies(report) == [
            "Your itinerary for Madrid has 5 days. Day 1: Prado Museum, Casa Lucio. Day 2: Retiro Park. Day 3: Toledo. "
                + "And 2 more days. Your agency will send you the whole itinerary here.",
        ])
    }

    @Test("English city names: a trip to LHR is a trip to London, not Londres")
    func englishCityName() async throws {
        let london = S.trip("trip-lhr-en", flight: "BA244", origin: "EZE", destination: "LHR",
                            departure: "2026-07-08T22:05:00-03:00", ["language": "en"])
        let report = try await S.run(body: "hello", fixtures: DryRunFixtures(trips: [london]))
        #expect(S.replies(report) == [
            "Hi Ana! I am the assistant for your trip to London. Ask me about your flight, your itinerary or your documents.",
        ])
    }
}
