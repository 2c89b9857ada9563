import FakeProviders
import FlowEngine
import FlowRuntime
import Foundation
import Testing
import Travel

/// `flowctl explain`: a dry-run of a shipped example explained from the command line, and a stored
/// instance explained from its timeline and its stored definition.
@Suite("flowctl explain")
struct ExplainCommandTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    @Test("explaining a dry-run of the delay example names the choice, its condition and its values")
    func dryRunOfAnExample() async throws {
        let arguments = [
            "explain", "--flow", Self.root + "/workflows/flight-notifications.yaml",
            "--input", Self.root + "/examples/delay/trip.json", "--fixtures", Self.root + "/examples/delay/fixtures.yaml",
            "--start", "2026-07-06T10:00:00Z", "--message", "GATE_CHANGE",
        ]
        let text = try await StartAgencyTests.flowctl(arguments)
        #expect(text.status == 0, "\(text.output)")
        #expect(text.output.contains("GATE_CHANGE: not sent"), "\(text.output)")
        #expect(text.output.contains("sent by: send_gate_change"), "\(text.output)")
        #expect(text.output.contains("gate_gate: no condition held → default remember"), "\(text.output)")
        #expect(text.output.contains("vars.changes.gate_change = null"), "\(text.output)")

        let json = try await StartAgencyTests.flowctl(arguments.map { $0 == "GATE_CHANGE" ? "DELAYED" : $0 } + ["--format", "json"])
        #expect(json.status == 0, "\(json.output)")
        let document = try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any]
        #expect(document?["type"] as? String == "DELAYED")
        #expect(document?["sent"] as? Bool == true)
        #expect((document?["findings"] as? [[String: Any]])?.first?["kind"] as? String == "sent")
    }

    @Test("usage: an instance or --flow with --input")
    func usage() async throws {
        #expect(try await StartAgencyTests.flowctl(["explain", "--message", "DELAYED"]).status == 64)
        #expect(try await StartAgencyTests.flowctl(["explain", "--flow", "f.yaml", "--message", "DELAYED"]).status == 64)
    }

    static let remind = """
        flow: remind
        version: 1
        settings:
          enabled: { type: bool, default: false }
        start: gate
        states:
          gate:
            choice:
              - { when: "${{ settings.enabled }}", next: send }
            default: skipped
          send:
            step: notify.send
            with:
              trip_id: t-1
              type: REMINDER
              to: "+5491155550000"
              template: reminder
              content_sid: HX00000000000000000000000000000000
              variables: {}
            idempotency_key: t-1/REMINDER
            catch: [ { errors: [transient, permanent, timeout, limit], next: skipped } ]
            next: done
          skipped:
            succeed: true
          done:
            succeed: true
        """

    @Test("a stored instance is explained from its timeline and its stored definition")
    func storedInstance() async throws {
        let store = try await DaemonFixtures.temporarySQLite()
        let registry = DefinitionRegistry(directory: WorkflowDirectory.load(
            flows: [SourceFile(path: "remind.yaml", text: Self.remind)], agencies: [], catalogue: .standard))
        let fake = FakeProviderServer()
        let clock = TestClock(DaemonFixtures.start)
        let created = try await InstanceStarter(store: store, registry: registry).start(
            flow: "remind", input: [:], agency: nil, idempotencyKey: "remind-1", at: clock.now)
        guard case .created(let record) = created else { Issue.record("not created"); return }
        try await DaemonFixtures.worker(store, registry: registry, fake: fake, clock: clock, owner: "w").runOnce()

        let explanation = try #require(try await MessageExplanation.load(id: record.id, type: "REMINDER", from: store))
        #expect(explanation.senders == ["send"])
        #expect(!explanation.sent)
        #expect(explanation.findings.map(\.kind) == ["decided", "ended"])
        #expect(explanation.findings.first?.reason
                == "no condition held → default skipped (not held: `settings.enabled`); values: settings.enabled = false")
        #expect(try await MessageExplanation.load(id: "missing", type: "REMINDER", from: store) == nil)
        try await store.close()
    }
}
