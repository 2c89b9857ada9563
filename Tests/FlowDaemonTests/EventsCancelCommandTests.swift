import FakeProviders
import FlowEngine
import FlowRuntime
import Foundation
import Testing
import Travel

/// `flowctl events send` and `flowctl instances cancel` over a SQLite file, with a worker of this
/// process on the same file standing in for `serve`.
@Suite("flowctl events send and instances cancel")
struct EventsCancelCommandTests {
    @Test("events send starts and delivers; instances cancel asks the worker to end it; unknown ids exit 64")
    func sendAndCancel() async throws {
        let directory = try EventDeliveryTests.workflows()
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent("flow.sqlite").path
        let started = directory.appendingPathComponent("started.json").path
        let update = directory.appendingPathComponent("update.json").path
        try #"{"id": "W1"}"#.write(toFile: started, atomically: true, encoding: .utf8)
        try #"{"n": 7}"#.write(toFile: update, atomically: true, encoding: .utf8)
        let common = ["--workflows", directory.path, "--database", "sqlite://" + database]

        let start = try await StartAgencyTests.flowctl(["events", "send", "watch.started", "--input", started] + common)
        #expect(start.status == 0, "\(start.output)")
        #expect(start.output.contains("started"), "\(start.output)")

        let store = try await SQLiteFlowStore.open(.file(path: database), adding: TravelSchema.schema)
        let registry = DefinitionRegistry(path: directory.path)
        let worker = DaemonFixtures.worker(
            store, registry: registry, fake: FakeProviderServer(), clock: TestClock(DaemonFixtures.start), owner: "w")
        try await worker.runOnce()
        let id = try #require(try await store.instances(matching: InstanceFilter(flow: "watch")).first?.id)
        #expect(try await store.instance(id: id)?.status == .waiting)

        let send = try await StartAgencyTests.flowctl(
            ["events", "send", "thing.updated", "--input", update, "--key", "W1"] + common)
        #expect(send.status == 0, "\(send.output)")
        #expect(send.output.contains("delivered to \(id) (watch)"), "\(send.output)")
        try await worker.runOnce()
        #expect(try await store.instance(id: id)?.status == .succeeded)

        let second = try await StartAgencyTests.flowctl(["events", "send", "watch.started", "--input", update] + common)
        #expect(second.status == 64, "a payload that does not fit the input: \(second.output)")

        try #"{"id": "W2"}"#.write(toFile: started, atomically: true, encoding: .utf8)
        _ = try await StartAgencyTests.flowctl(["events", "send", "watch.started", "--input", started] + common)
        let other = try #require(
            try await store.instances(matching: InstanceFilter(flow: "watch", status: .waiting)).first?.id)
        let cancel = try await StartAgencyTests.flowctl(
            ["instances", "cancel", other, "--reason", "trip cancelled", "--by", "ops"] + common.suffix(2))
        #expect(cancel.status == 0, "\(cancel.output)")
        try await worker.runOnce()
        #expect(try await store.instance(id: other)?.status == .cancelled)
        let again = try await StartAgencyTests.flowctl(["instances", "cancel", other] + common.suffix(2))
        #expect(again.status == 64 && again.output.contains("already ended"), "\(again.output)")
        let unknown = try await StartAgencyTests.flowctl(["instances", "cancel", "nope"] + common.suffix(2))
        #expect(unknown.status == 64, "\(unknown.output)")
        try await store.close()
    }
}
