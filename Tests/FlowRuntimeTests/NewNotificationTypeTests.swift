import FlowEngine
import FlowRuntime
import Travel
import Testing

/// A product team adds a message type in YAML only: no Swift change, no migration. The flow sends
/// `TERMINAL_CHANGE`, a type no shipped flow uses; it is sent, logged (a second send under the same
/// key is a duplicate) and capped like the others.
@Suite("A notification type nobody used before")
struct NewNotificationTypeTests {
    static func send(_ state: String, key: String, next: String) -> String {
        """
          \(state):
            step: notify.send
            with:
              trip_id: ${{ input.trip.id }}
              agency_id: acme
              type: TERMINAL_CHANGE
              key: \(key)
              to: ${{ input.trip.whatsapp }}
              template: terminal_change
              content_sid: HXaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
              variables: { "1": \(key) }
              caps: { per_trip_per_day: 2 }
            idempotency_key: "${{ input.trip.id }}/TERMINAL_CHANGE/\(state)"
            retry: { max_attempts: 3, initial: 5s, on: [transient, timeout] }
            catch: [ { errors: [permanent, limit, transient, timeout], next: failed } ]
            next: \(next)

        """
    }

    /// T4, T4 again (a duplicate), T5, then T6 over the cap of two a day.
    static let flow = """
        flow: terminal-notices
        version: 1
        input:
          trip: { type: object, required: true }
        start: first
        states:

        """ + send("first", key: "T4", next: "again") + send("again", key: "T4", next: "moved")
        + send("moved", key: "T5", next: "over_cap") + send("over_cap", key: "T6", next: "done") + """
          done: { succeed: {} }
          failed: { fail: { error: permanent, message: not sent } }

        """

    @Test("sent, deduplicated by its key and capped per trip and day")
    func sentLoggedAndCapped() async throws {
        let (loaded, diagnostics) = FlowLoader.load(SourceFile(path: "terminal-notices.yaml", text: Self.flow))
        let flow = try #require(loaded, "\(diagnostics)")
        let validation = FlowValidator(catalogue: .standard).validate(flow)
        #expect(validation.filter { $0.severity == .error }.isEmpty, "\(validation.map(\.message))")
        let input: Value = ["trip": ["id": "trip-9", "whatsapp": "+447700900123"]]
        let report = try await DryRun(flow: flow, input: input, settings: [:], agency: "acme", fixtures: DryRunFixtures(),
                                      start: .at("2026-07-06T10:00:00Z"), product: TravelProduct()).run()
        #expect(report.status == "succeeded")
        let sent = report.messages.filter { $0["type"] == "TERMINAL_CHANGE" }
        #expect(sent.map { $0["variables"]?["1"] } == ["T4", "T5"])
        let kinds = report.history.map(\.kind)
        #expect(kinds.filter { $0 == .duplicate }.count == 1)
        #expect(kinds.filter { $0 == .suppressed }.count == 1)
        #expect(report.calls["twilio"] == 2)
    }
}
