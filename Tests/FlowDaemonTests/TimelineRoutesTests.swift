import FakeProviders
import FlowEngine
import FlowRuntime
import Foundation
import Hummingbird
import HummingbirdTesting
import Steps
import Synchronization
import Testing
import Travel

/// `GET /instances/{id}/events`: JSON pages by sequence and Server-Sent Events with resume.
@Suite("Timeline routes")
struct TimelineRoutesTests {
    /// A finished `greet` instance (send, wait 10m, succeed) on SQLite, and its router.
    static func finishedInstance() async throws -> (SQLiteFlowStore, String, Router<BasicRequestContext>) {
        let store = try await DaemonFixtures.temporarySQLite()
        let registry = DaemonFixtures.registry()
        let clock = TestClock(DaemonFixtures.start)
        let fake = FakeProviderServer()
        let created = try await InstanceStarter(store: store, registry: registry).start(
            flow: "greet", input: ["phone": "+5491155550000"], agency: "acme", idempotencyKey: "tl-1", at: clock.now)
        guard case .created(let record) = created else { throw CancellationError() }
        let worker = DaemonFixtures.worker(store, registry: registry, fake: fake, clock: clock, owner: "w")
        try await worker.runOnce()
        clock.advance(.minutes(10))
        try await worker.runOnce()
        let router = Router()
        TimelineRoutes.add(to: router, store: store, notifier: TimelineNotifier()) { record, _ in
            record.agencyID == "acme"
        }
        return (store, record.id, router)
    }

    /// The `id:` lines of an event stream, and its event names.
    static func events(_ body: String) -> [(id: Int64, name: String)] {
        body.components(separatedBy: "\n\n").compactMap { block -> (Int64, String)? in
            let lines = block.split(separator: "\n")
            guard let id = lines.first(where: { $0.hasPrefix("id: ") }).flatMap({ Int64($0.dropFirst(4)) }),
                  let name = lines.first(where: { $0.hasPrefix("event: ") }).map({ String($0.dropFirst(7)) })
            else { return nil }
            return (id, name)
        }
    }

    @Test("JSON pages by sequence; SSE sends every entry once with its sequence, then end; Last-Event-ID resumes")
    func pagesAndStream() async throws {
        let (store, id, router) = try await Self.finishedInstance()
        let history = try await store.history(instanceID: id, after: 0)
        #expect(history.count >= 4)
        let app = Application(router: router)
        try await app.test(.router) { client in
            try await client.execute(uri: "/instances/\(id)/events?limit=2", method: .get) { response in
                #expect(response.status == .ok)
                let page = try JSONDecoder().decode(Value.self, from: Data(buffer: response.body))
                #expect(page["events"]?.arrayValue?.compactMap { $0["seq"]?.intValue } == [1, 2])
                #expect(page["more"] == true)
                #expect(page["next_after"] == 2)
                #expect(page["status"] == "succeeded")
            }
            try await client.execute(uri: "/instances/\(id)/events?after=2&limit=1000", method: .get) { response in
                let page = try JSONDecoder().decode(Value.self, from: Data(buffer: response.body))
                #expect(page["events"]?.arrayValue?.count == history.count - 2)
                #expect(page["more"] == false)
            }
            try await client.execute(uri: "/instances/\(id)/events", method: .get,
                                     headers: [.accept: "text/event-stream"]) { response in
                #expect(response.headers[.contentType] == "text/event-stream")
                let events = Self.events(String(buffer: response.body))
                #expect(events.dropLast().map(\.id) == history.map(\.sequence))
                #expect(events.dropLast().map(\.name) == history.map(\.kind.rawValue))
                #expect(events.last?.name == "end")
                #expect(String(buffer: response.body).contains("\"status\":\"succeeded\""))
            }
            let resumeAt = history[history.count - 2].sequence
            try await client.execute(uri: "/instances/\(id)/events", method: .get,
                                     headers: [.accept: "text/event-stream", .init("Last-Event-ID")!: "\(resumeAt)"]) {
                let events = Self.events(String(buffer: $0.body))
                #expect(events.map(\.id) == [history.last!.sequence, history.last!.sequence])  // the last entry, then end
                #expect(events.map(\.name) == [history.last!.kind.rawValue, "end"])
            }
            try await client.execute(uri: "/instances/\(id)/events", method: .get,
                                     headers: [.init("Last-Event-ID")!: "minus one"]) { #expect($0.status == .badRequest) }
            try await client.execute(uri: "/instances/nope/events", method: .get) { #expect($0.status == .notFound) }
        }
        try await store.close()
    }

    @Test("a limit outside 1…1000, an empty Last-Event-ID or an after that is no sequence is 400, never ignored")
    func queryBounds() async throws {
        let (store, id, router) = try await Self.finishedInstance()
        try await Application(router: router).test(.router) { client in
            for limit in ["0", "1001", "774302", "-1", "false", "ten"] {
                try await client.execute(uri: "/instances/\(id)/events?limit=\(limit)", method: .get) {
                    #expect($0.status == .badRequest, "limit=\(limit)")
                }
            }
            try await client.execute(uri: "/instances/\(id)/events?after=-5", method: .get,
                                     headers: [.init("Last-Event-ID")!: ""]) { #expect($0.status == .badRequest) }
            try await client.execute(uri: "/instances/\(id)/events?after=null", method: .get,
                                     headers: [.init("Last-Event-ID")!: "0"]) { #expect($0.status == .badRequest) }
            for limit in ["1", "1000"] {
                try await client.execute(uri: "/instances/\(id)/events?limit=\(limit)", method: .get) {
                    #expect($0.status == .ok, "limit=\(limit)")
                }
            }
        }
        try await store.close()
    }

    @Test("an instance the caller may not see answers 404, as if it did not exist")
    func invisible() async throws {
        let (store, id, _) = try await Self.finishedInstance()
        let router = Router()
        TimelineRoutes.add(to: router, store: store, notifier: TimelineNotifier()) { _, _ in false }
        try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/instances/\(id)/events", method: .get) { #expect($0.status == .notFound) }
        }
        try await store.close()
    }

    @Test("a live stream is woken by the notifier and ends when the instance ends")
    func liveStream() async throws {
        let store = try await DaemonFixtures.temporarySQLite()
        let registry = DaemonFixtures.registry()
        let clock = TestClock(DaemonFixtures.start)
        let fake = FakeProviderServer()
        let notifier = TimelineNotifier()
        guard case .created(let record) = try await InstanceStarter(store: store, registry: registry).start(
            flow: "greet", input: ["phone": "+5491155550009"], agency: nil, idempotencyKey: "tl-2", at: clock.now)
        else { Issue.record("not created"); return }
        var configuration = InstanceWorker<SQLiteFlowStore>.Configuration(owner: "w", timeline: notifier)
        configuration.lease = .seconds(60)
        let worker = InstanceWorker(
            store: store, registry: registry, steps: StepRegistry.providers(), transport: fake,
            credentials: fake.credentials, endpoints: .local("http://fake.local"), configuration: configuration,
            clock: { clock.now })
        try await worker.runOnce()  // sent, now waiting 10 minutes
        let router = Router()
        let watched = HistoryReads(base: store)
        TimelineRoutes.add(to: router, store: watched, notifier: notifier, heartbeat: .milliseconds(10))
        try await Application(router: router).test(.router) { client in
            async let finish: Void = {
                // Once the stream has read the timeline three times (it re-reads only after a wait of at
                // most one 10 ms beat, then beats: at least one heartbeat is out), end the instance.
                while watched.reads.withLock({ $0 }) < 3 { try await Task.sleep(for: .milliseconds(5)) }
                clock.advance(.minutes(10))
                try await worker.runOnce()
            }()
            try await client.execute(uri: "/instances/\(record.id)/events", method: .get,
                                     headers: [.accept: "text/event-stream"]) { response in
                let body = String(buffer: response.body)
                #expect(body.contains(": heartbeat"))
                #expect(Self.events(body).last?.name == "end")
                #expect(body.contains("\"status\":\"succeeded\""))
            }
            try await finish
        }
        try await store.close()
    }
}

/// A store that counts timeline reads (what a stream does before it waits).
final class HistoryReads: FlowStoreDecorator {
    let base: SQLiteFlowStore
    let reads = Mutex(0)

    init(base: SQLiteFlowStore) { self.base = base }

    func history(instanceID: String, after sequence: Int64) async throws -> [HistoryEntry] {
        reads.withLock { $0 += 1 }
        return try await base.history(instanceID: instanceID, after: sequence)
    }
}
