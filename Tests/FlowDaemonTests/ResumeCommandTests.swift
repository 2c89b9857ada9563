import FakeProviders
import FlowEngine
import FlowRuntime
import Foundation
import Testing
import Travel

/// `flowctl instances resume` over a SQLite file, with a worker of this process on the same file
/// standing in for `serve`, against a fake Twilio that refuses every send until it is told not to
/// (the flow of `PausedStepServeTests`: two attempts, then a pause).
@Suite("flowctl instances resume")
struct ResumeCommandTests {
    @Test("resume retries the paused step (sent once, the note in the timeline); --fail sends the error to the catch; ended and unknown ids exit 64")
    func resumeAndFail() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("resume-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try PausedStepServeTests.flow.write(to: directory.appendingPathComponent("paused-send.yaml"), atomically: true, encoding: .utf8)
        let database = directory.appendingPathComponent("flow.sqlite").path
        let common = ["--database", "sqlite://" + database]

        let store = try await SQLiteFlowStore.open(.file(path: database), adding: TravelSchema.schema)
        let registry = DefinitionRegistry(path: directory.path)
        let fake = FakeProviderServer(faults: FaultPlan(rate: 1, mix: [.serverError: 1], providers: [.twilio]))
        let clock = TestClock(DaemonFixtures.start)
        let worker = DaemonFixtures.worker(store, registry: registry, fake: fake, clock: clock, owner: "w")
        var ids: [String] = []
        for _ in 0..<2 {
            let started = try await InstanceStarter(store: store, registry: registry).start(
                flow: "paused-send", input: ["to": "+5491155550000"], agency: nil, idempotencyKey: nil, at: clock.now)
            guard case .created(let record) = started else { Issue.record("not created"); return }
            ids.append(record.id)
        }
        try await worker.runOnce()
        clock.advance(.seconds(2))
        try await worker.runOnce()
        for id in ids {
            #expect(try await store.instance(id: id)?.status == .waiting)
            #expect(try await store.history(instanceID: id, after: 0).contains { $0.kind == .stepPaused })
        }
        #expect(fake.acceptedCount == 0)

        let unknown = try await StartAgencyTests.flowctl(["instances", "resume", "nope"] + common)
        #expect(unknown.status == 64 && unknown.output.contains("no instance 'nope'"), "\(unknown.output)")

        fake.faults.setPaused(true)
        let resumed = try await StartAgencyTests.flowctl(
            ["instances", "resume", ids[0], "--note", "Twilio is back", "--by", "ops"] + common)
        #expect(resumed.status == 0, "\(resumed.output)")
        #expect(resumed.output.contains("resume (retry) requested for \(ids[0]): send (attempt 2"), "\(resumed.output)")
        clock.advance(.seconds(1))
        try await worker.runOnce()
        #expect(try await store.instance(id: ids[0])?.status == .succeeded)
        #expect(fake.acceptedCount == 1)
        let entry = try #require(try await store.history(instanceID: ids[0], after: 0).first { $0.kind == .resumed })
        #expect(entry.details["by"] == "ops" && entry.details["note"] == "Twilio is back"
                    && entry.details["action"] == "retry", "\(entry.details)")
        let again = try await StartAgencyTests.flowctl(["instances", "resume", ids[0]] + common)
        #expect(again.status == 64 && again.output.contains("already ended"), "\(again.output)")

        let failed = try await StartAgencyTests.flowctl(["instances", "resume", ids[1], "--fail"] + common)
        #expect(failed.status == 0 && failed.output.contains("resume (fail) requested"), "\(failed.output)")
        clock.advance(.seconds(1))
        try await worker.runOnce()
        let ended = try await store.instance(id: ids[1])
        #expect(ended?.status == .failed)
        #expect(fake.acceptedCount == 1)
        try await store.close()
    }
}
