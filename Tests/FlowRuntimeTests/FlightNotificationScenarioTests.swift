import FlowEngine
import FlowRuntime
import Testing

@Suite struct FlightNotificationScenarioTests {
    typealias S = FlightScenario

    @Test func normalFlight() async throws {
        let fixtures = DryRunFixtures(aeroapi: [
            S.answer("2026-07-08T00:00:00Z", S.flight()),
            S.answer("2026-07-08T19:00:00Z", S.flight(gate: "B32")),
            S.answer("2026-07-08T21:10:00Z", S.flight(actualOut: "2026-07-08T21:09:00Z", status: "En Route / On Time")),
            S.answer("2026-07-09T10:40:00Z", S.flight(actualOut: "2026-07-08T21:09:00Z", actualOn: "2026-07-09T10:41:00Z",
                                                      status: "Arrived / Gate Arrival", progress: 100)),
        ])
        let report = try await S.run(fixtures: fixtures)
        print(report.text); print(report.history.map { $0.details.jsonText }.joined(separator: "\n"))
        #expect(report.status == "succeeded")
    }
}
