import FlowEngine
import FlowRuntime
import Testing

/// A flow calling its backend with `http.request`, dry-run from the fixtures' `http` section.
struct HTTPRequestDryRunTests {
    static let flow = """
        flow: booking
        version: 1
        start: look
        input:
          id: { type: string, required: true }
        states:
          look:
            step: http.request
            with:
              url: "https://api.example.com/bookings/${{ input.id }}"
              query: { lang: es }
              credential: backend
              response_schema: { type: object, required: [status] }
            save: booking
            catch: [ { errors: [transient, permanent, not_found, timeout, invalid_response], next: failed } ]
            next: confirm
          confirm:
            step: http.request
            with:
              method: POST
              url: "https://api.example.com/bookings/${{ input.id }}/confirmations"
              body: { status: "${{ vars.booking.body.status }}" }
              credential: backend
            idempotency_key: "confirm/${{ input.id }}"
            save: confirmation
            catch: [ { errors: [transient, permanent, not_found, timeout, invalid_response], next: failed } ]
            next: done
          done:
            succeed: { output: { confirmation: "${{ vars.confirmation.body.id }}" } }
          failed:
            fail: { error: backend_failed }
        """

    static let fixtures = """
        http:
          - url: https://api.example.com/bookings/
            method: GET
            body: { id: b-1, status: held }
          - url: https://api.example.com/bookings/b-1/confirmations
            method: POST
            status: 201
            body: { id: conf-9 }
        """

    static func run(fixtures text: String) async throws -> DryRunReport {
        let directory = WorkflowDirectory.load(flows: [SourceFile(path: "booking.yaml", text: flow)], agencies: [],
                                               catalogue: .standard)
        #expect(directory.diagnostics.isEmpty, "\(directory.diagnostics)")
        let loaded = try #require(directory.flows["booking"])
        let fixtures = try DryRunFixtures(parsing: SourceFile(path: "fixtures.yaml", text: text))
        return try await DryRun(flow: loaded.flow, input: ["id": "b-1"], settings: [:], agency: nil,
                                fixtures: fixtures, start: Instant(iso8601: "2026-07-08T10:00:00Z")!).run()
    }

    @Test("http.request calls are answered from the fixtures' http section, by method and URL prefix")
    func answeredFromFixtures() async throws {
        let report = try await Self.run(fixtures: Self.fixtures)
        #expect(report.status == "succeeded", "\(report.timeline)")
        #expect(report.calls["http"] == 2)
        #expect(report.json.jsonText.contains("conf-9"))
    }

    @Test("a call no fixture answers gets a 404: not_found, caught by the flow")
    func unanswered() async throws {
        let report = try await Self.run(fixtures: "http: []\n")
        #expect(report.status == "failed")
        #expect(report.json.jsonText.contains("http.404"))
    }

    @Test("the http section is checked with places", arguments: [
        ("http:\n  - method: GET\n", "http[0] needs `url`"),
        ("http:\n  - url: api.example.com/x\n", "http[0].url must be an absolute http or https URL"),
        ("http:\n  - url: https://a.example/x\n    method: FETCH\n", "http[0].method must be GET"),
        ("http:\n  - url: https://a.example/x\n  - url: https://a.example/x\n", "http[1] answers the same url"),
        ("http:\n  - url: https://a.example/x\n    headers: {}\n", "unknown key 'headers'"),
    ])
    func badSection(_ text: String, _ message: String) {
        #expect {
            try DryRunFixtures(parsing: SourceFile(path: "f.yaml", text: text))
        } throws: { error in
            "\(error)".contains(message)
        }
    }
}
