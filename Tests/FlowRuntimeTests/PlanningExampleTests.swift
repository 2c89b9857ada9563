import FlowEngine
import FlowRuntime
import Travel
import Foundation
import Testing

/// `flowctl dry-run` of the shipped `examples/trip-planning/` (input and fixtures) against the shipped flow.
@Suite("Planning example")
struct PlanningExampleTests {
    static func invoke(format: DryRunInvocation.Format, agency: String? = nil) async -> DryRunInvocation.Outcome {
        let root = URL(fileURLWithPath: FlightScenario.workflows).deletingLastPathComponent().path
        return await DryRunInvocation(
            flowPath: root + "/workflows/trip-planning.yaml", inputPath: root + "/examples/trip-planning/input.json",
            agency: agency, fixturesPath: root + "/examples/trip-planning/fixtures.yaml",
            start: "2026-08-01T12:00:00Z", format: format, product: TravelProduct())
            .run(now: Instant(iso8601: "2026-01-01T00:00:00Z")!)
    }

    @Test("the example succeeds: one question, 7 OpenAI calls, booking approved, saved as trip-lis v1, one WhatsApp")
    func exampleRuns() async throws {
        let outcome = await Self.invoke(format: .json)
        #expect(outcome.exitCode == 0, "\(outcome.standardError)")
        let report = try #require(outcome.report)
        #expect(report.status == "succeeded")
        #expect(report.calls == ["aeroapi": 0, "twilio": 1, "openai": 7])
        #expect(report.end == Instant(iso8601: "2026-08-02T09:00:00Z")!)
        #expect(PlanningScenario.requests(report).map { $0["kind"] } == ["booking"])
        #expect(PlanningScenario.requests(report).first?["amount"] == 3130)
        #expect(ItineraryScenario.results(report, "itinerary.save").first?["trip_id"] == "trip-lis")
        #expect(ItineraryScenario.results(report, "itinerary.save").first?["version"] == 1)
    }

    @Test("the text timeline says what was asked, answered and approved")
    func readableTimeline() async throws {
        let outcome = await Self.invoke(format: .text)
        #expect(outcome.exitCode == 0, "\(outcome.standardError)")
        let text = outcome.standardOutput
        #expect(text.hasPrefix("trip-planning v1+"))
        for line in [
            "2026-08-01T12:20:00Z  event_received   plan.answer key u-42/dry-run",
            "step_succeeded   check_itinerary: itinerary.check: invalid: day 3 item 1 (Oceanário de Lisboa): not a place "
                + "from the research (use the exact name of a stay or an activity)",
            "approval_request approve_booking: booking: Lisbon, 2026-09-10 to 2026-09-13: 3130 USD (plan v1) "
                + "(expires 2026-08-03T12:20:00Z)",
            "2026-08-02T09:00:00Z  approval_decided approve by ops@agency.example: book it",
            "2026-08-02T09:00:00Z  completed        succeeded",
            "messages: 0 · alerts: 0 · calls: aeroapi=0 twilio=1 openai=7",
        ] {
            #expect(text.contains(line), "missing: \(line)")
        }
    }

    @Test("trip.created (or any event) never starts trip-planning: the flow has no trigger")
    func noTrigger() throws {
        let registry = DefinitionRegistry(path: FlightScenario.workflows)
        let flow = try #require(registry.current("trip-planning")?.flow)
        #expect(flow.triggers.isEmpty)
        let listeners = EventDispatcher<InMemoryFlowStore>.listeners(of: "trip.created", in: registry).map(\.flow)
        #expect(listeners.sorted() == ["flight-notifications", "itinerary"])
        #expect(EventDispatcher<InMemoryFlowStore>.listeners(of: "plan.answer", in: registry).isEmpty)
    }
}
