import FakeProviders
import FlowEngine
import FlowRuntime
import Travel
import Foundation
import Testing

@Suite("Stored instance report")
struct InstanceReportTests {
    @Test("a finished instance's timeline in the dry-run's shapes")
    func finishedInstance() async throws {
        let store = try await DaemonFixtures.temporarySQLite()
        let registry = DaemonFixtures.registry()
        let fake = FakeProviderServer()
        let clock = TestClock(DaemonFixtures.start)
        let created = try await InstanceStarter(store: store, registry: registry).start(
            flow: "greet", input: ["phone": "+5491155550000"], agency: nil, idempotencyKey: "greet-1", at: clock.now)
        guard case .created(let record) = created else { Issue.record("not created"); return }
        let worker = DaemonFixtures.worker(store, registry: registry, fake: fake, clock: clock, owner: "w")
        try await worker.runOnce()
        clock.advance(.minutes(10))
        try await worker.runOnce()

        let loaded = try #require(try await StoredInstanceReport.load(id: record.id, from: store))
        let history = try await store.history(instanceID: record.id, after: 0)
        #expect(loaded.report.status == "succeeded")
        #expect(loaded.report.calls == ["twilio": 1])
        #expect(loaded.report.timeline.count == history.count)
        #expect(loaded.report.timeline.first?["kind"] == .string(history[0].kind.rawValue))
        let json = loaded.json
        #expect(json["id"] == .string(record.id))
        #expect(json["key"] == "greet-1")
        #expect(json["flow"] == "greet")
        #expect(json["status"] == "succeeded")
        #expect(json["messages"] == .array([]))
        #expect(json["timeline"]?.arrayValue?.count == history.count)
        #expect(json["version"]?.stringValue?.hasPrefix("1+") == true)
        let text = loaded.text
        #expect(text.hasPrefix("instance \(record.id) · key greet-1\ngreet v1+"))
        #expect(text.contains("twilio.send_text"))
        #expect(try await StoredInstanceReport.load(id: "missing", from: store) == nil)
        try await store.close()
    }
}
