import FlowEngine
import FlowRuntime
import Travel
import Testing

private func read(_ text: String) throws(LocatedError) -> DryRunFixtures {
    try DryRunFixtures(parsing: SourceFile(path: "fx.yaml", text: text), product: TravelProduct())
}

@Test func readsAValidFixturesDocument() throws {
    let fixtures = try read("""
        aeroapi:
          - from: 2026-07-08T00:00:00Z
            flights: [ { ident: BA245 } ]
          - from: 2026-07-08T10:00:00Z
            status: 429
        twilio:
          - from: 2026-07-08T00:00:00Z
            status: 400
            body: { code: 21211, message: "invalid To" }
        openai:
          - content: "hola"
        approvals:
          - at: 2026-07-08T12:00:00Z
            decision: approve
            by: ops
        events:
          - at: 2026-07-08T12:30:00Z
            name: whatsapp.inbound
            payload: { body: "hola" }
        """)
    #expect(fixtures.aeroapi.count == 2)
    #expect(fixtures.aeroapi[0].status == 200)
    #expect(fixtures.aeroapi[0].body["flights"]?.arrayValue?.first?["ident"] == "BA245")
    #expect(fixtures.aeroapi[1].status == 429)
    #expect(fixtures.twilio[0].body["code"] == 21211)
    #expect(fixtures.openai[0].body["content"] == "hola")
    #expect(fixtures.approvals[0].decision.outcome == .approve)
    #expect(fixtures.approvals[0].decision.by == "ops")
    #expect(fixtures.events[0].name == "whatsapp.inbound")
    #expect(fixtures.events[0].at == Instant(iso8601: "2026-07-08T12:30:00Z"))
}

@Test(arguments: [
    ("aeroapi: []\ntwillio: []\n", 2, "unknown key 'twillio'"),
    ("aeroapi:\n  - from: 2026-07-08T00:00:00Z\n    flight: []\n", 3, "unknown key 'flight'"),
    ("aeroapi:\n  - from: yesterday\n", 2, "ISO-8601"),
    ("aeroapi:\n  - from: 2026-07-08T10:00:00Z\n  - from: 2026-07-08T09:00:00Z\n", 3, "ascending"),
    ("twilio:\n  - status: four\n", 2, "HTTP status"),
    ("approvals:\n  - at: 2026-07-08T12:00:00Z\n    decision: maybe\n", 3, "approve or reject"),
    ("events:\n  - at: 2026-07-08T12:00:00Z\n", 2, "needs `name`"),
    ("openai: {content: x}\n", 1, "must be a list"),
    ("aeroapi: [\n", 2, "not valid YAML"),
])
func reportsEachProblemWithItsLine(text: String, line: Int, fragment: String) {
    do {
        _ = try read(text)
        Issue.record("expected an error for \(text)")
    } catch {
        #expect(error.location?.file == "fx.yaml")
        #expect(error.location?.line == line, "\(error)")
        #expect(error.message.contains(fragment), "\(error)")
    }
}
