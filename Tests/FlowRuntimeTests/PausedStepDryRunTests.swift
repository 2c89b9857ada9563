import FlowEngine
import FlowRuntime
import Testing

/// A dry-run of a step that pauses when its retries run out (`on_exhausted: pause`), and a person's
/// resume given in the fixtures' `resumes` section.
struct PausedStepDryRunTests {
    static let flow = """
        flow: confirm
        version: 1
        start: send
        states:
          send:
            step: twilio.send_text
            with: { to: "+5491155550000", body: "Your trip is confirmed" }
            idempotency_key: confirm/1
            retry: { max_attempts: 2, initial: 5s, on: [transient, timeout], on_exhausted: pause }
            catch: [ { errors: [permanent, transient, timeout], next: gave_up } ]
            next: sent
          sent: { succeed: true }
          gave_up: { fail: { error: gave_up } }
        """

    /// Twilio fails with a 503 until noon, then accepts.
    static let outage = """
        twilio:
          - from: 2026-07-08T00:00:00Z
            status: 503
            body: { code: 20503, message: "Service Unavailable", more_info: "https://www.twilio.com/docs/errors/20503", status: 503 }
          - from: 2026-07-08T12:00:00Z
            status: 201
        """

    static func run(fixtures text: String) async throws -> DryRunReport {
        let directory = WorkflowDirectory.load(flows: [SourceFile(path: "confirm.yaml", text: flow)], agencies: [],
                                               catalogue: .standard)
        #expect(directory.diagnostics.isEmpty, "\(directory.diagnostics)")
        let loaded = try #require(directory.flows["confirm"])
        let fixtures = try DryRunFixtures(parsing: SourceFile(path: "fixtures.yaml", text: text))
        return try await DryRun(flow: loaded.flow, input: [:], settings: [:], agency: nil,
                                fixtures: fixtures, start: Instant(iso8601: "2026-07-08T10:00:00Z")!).run()
    }

    static func kinds(_ report: DryRunReport) -> [String] {
        report.history.map(\.kind.rawValue).filter { ["step_called", "step_paused", "resumed", "completed"].contains($0) }
    }

    @Test func withoutAResumeTheDryRunEndsPaused() async throws {
        let report = try await Self.run(fixtures: Self.outage)
        #expect(report.status == "waiting")
        #expect(Self.kinds(report) == ["step_called", "step_called", "step_paused"])
        #expect(report.messages.isEmpty)
    }

    @Test func aResumeInTheFixturesRetriesOnceTheProviderIsBack() async throws {
        let report = try await Self.run(fixtures: Self.outage + """

            resumes:
              - at: 2026-07-08T12:30:00Z
                by: ops
                note: Twilio is back
            """)
        #expect(report.status == "succeeded")
        #expect(Self.kinds(report) == ["step_called", "step_called", "step_paused", "resumed", "step_called", "completed"])
        let resumed = report.history.first { $0.kind == .resumed }
        #expect(resumed?.at == Instant(iso8601: "2026-07-08T12:30:00Z"))
        #expect(resumed?.details["by"] == "ops" && resumed?.details["note"] == "Twilio is back")
    }

    @Test func aResumeWithFailGoesToTheCatch() async throws {
        let report = try await Self.run(fixtures: Self.outage + """

            resumes:
              - { at: 2026-07-08T12:30:00Z, action: fail }
            """)
        #expect(report.status == "failed")
        #expect(report.history.contains { $0.kind == .caught })
    }

    @Test func aResumeWithAnotherActionIsRefusedWithItsPlace() {
        #expect(throws: LocatedError.self) {
            try DryRunFixtures(parsing: SourceFile(path: "fixtures.yaml", text: """
                resumes:
                  - { at: 2026-07-08T12:30:00Z, action: skip }
                """))
        }
    }
}
