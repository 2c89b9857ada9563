import FakeProviders
import FlowEngine
import FlowRuntime
import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import Steps
import Testing
import Travel

/// Events reach running instances: `POST /events/{name}?key=K` delivers to every waiting instance
/// whose wait correlates with K, and `POST /instances/{id}/events/{name}` to one instance.
@Suite("Event delivery to waiting instances")
struct EventDeliveryTests {
    static let watch = """
        flow: watch
        version: 1
        triggers:
          - event: watch.started
            key: ${{ input.id }}
        input:
          id: { type: string, required: true }
        start: wait_update
        states:
          wait_update:
            wait:
              event:
                name: thing.updated
                correlation: ${{ input.id }}
                timeout: 1h
                on_timeout: timed_out
                save: update
            next: done
          done: { succeed: { output: "${{ vars.update }}" } }
          timed_out: { fail: { error: timeout, message: no update } }
        """

    /// One branch sends a message and pauses while the other listens for the thing's cancellation:
    /// until a worker performs the send, the stored instance is `running`.
    static let listen = """
        flow: listen
        version: 1
        triggers:
          - event: listen.started
            key: ${{ input.id }}
        input:
          id: { type: string, required: true }
        start: both
        states:
          both:
            parallel:
              join: any
              branches:
                cancel:
                  start: wait_cancel
                  states:
                    wait_cancel:
                      wait:
                        event:
                          name: thing.cancelled
                          correlation: ${{ input.id }}
                          timeout: 1d
                          on_timeout: unheard
                      next: heard
                    heard: { succeed: { output: cancelled } }
                    unheard: { fail: { error: timeout, message: no cancellation } }
                work:
                  start: send
                  states:
                    send:
                      step: twilio.send_text
                      with: { to: "+5491155550000", body: "Hola" }
                      idempotency_key: "listen/${{ input.id }}"
                      catch: [ { next: pause } ]
                      next: pause
                    pause:
                      wait: { for: 1h }
                      next: worked
                    worked: { succeed: { output: worked } }
              save: outcome
              next: done
          done: { succeed: { output: "${{ vars.outcome }}" } }
        """

    /// A workflow directory with only `watch` (and `listen` when asked).
    /// The delivery tests' set-up: the `watch` (and `listen`) flows, a fresh SQLite store, a test clock.
    struct Fixture {
        let directory: URL
        let registry: DefinitionRegistry
        let store: SQLiteFlowStore
        let clock = TestClock(DaemonFixtures.start)

        static func make(listen: Bool = false) async throws -> Fixture {
            let directory = try EventDeliveryTests.workflows(listen: listen)
            let registry = DefinitionRegistry(path: directory.path)
            #expect(!registry.directory.diagnostics.hasErrors, "\(registry.directory.diagnostics)")
            return Fixture(directory: directory, registry: registry, store: try await DaemonFixtures.temporarySQLite())
        }

        /// Dispatches `event` with `{"id": id}`; the instance it started.
        func start(_ event: String, id: String) async throws -> String {
            let started = try await DaemonFixtures.dispatcher(store, registry: registry)
                .dispatch(event: event, payload: ["id": .string(id)], agency: nil, at: clock.now)
            return try #require(started.first?.instance.id)
        }

        func worker(_ fake: FakeProviderServer = FakeProviderServer()) -> InstanceWorker<SQLiteFlowStore> {
            DaemonFixtures.worker(store, registry: registry, fake: fake, clock: clock, owner: "w")
        }

        func close() async throws {
            try await store.close()
            try? FileManager.default.removeItem(at: directory)
        }
    }

    static func workflows(listen: Bool = false) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("watch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try watch.write(to: directory.appendingPathComponent("watch.yaml"), atomically: true, encoding: .utf8)
        if listen {
            try Self.listen.write(to: directory.appendingPathComponent("listen.yaml"), atomically: true, encoding: .utf8)
        }
        return directory
    }

    @Test("an instance running a step still gets an event one of its frames waits for; it is applied after the step")
    func runningInstance() async throws {
        let f = try await Fixture.make(listen: true)
        let (registry, store, clock, fake) = (f.registry, f.store, f.clock, FakeProviderServer())
        let id = try await f.start("listen.started", id: "L1")
        // No worker has run: the send is outstanding, the listener waits.
        try #require(try await store.instance(id: id)?.status == .running)

        let delivery = EventDelivery(store: store, registry: registry)
        #expect(try await delivery.deliver(event: "thing.cancelled", key: "L2", payload: [:], agency: nil,
                                           dedupKey: nil, at: clock.now).isEmpty)
        let reached = try await delivery.deliver(event: "thing.cancelled", key: "L1", payload: [:], agency: nil,
                                                 dedupKey: nil, at: clock.now)
        #expect(reached == [.init(flow: "listen", instance: id)])
        // One claim performs the outstanding send and then applies the event (the lease is held
        // from one commit to the next).
        let worker = f.worker(fake)
        try await worker.runOnce()
        let after = try #require(try await store.instance(id: id))
        #expect(after.status == .succeeded)
        #expect(fake.acceptedCount == 1, "the send outstanding when the event came is performed once")
        let completed = try await store.history(instanceID: id, after: 0).last
        #expect(completed?.details["output"] == ["cancel": "cancelled"])
        try await f.close()
    }

    @Test("a correlated event reaches the waiting instance once; another key reaches no one")
    func correlated() async throws {
        let f = try await Fixture.make()
        let (registry, store, clock) = (f.registry, f.store, f.clock)
        let id = try await f.start("watch.started", id: "W1")
        let worker = f.worker()
        try await worker.runOnce()
        #expect(try await store.instance(id: id)?.status == .waiting)

        let delivery = EventDelivery(store: store, registry: registry)
        #expect(try await delivery.deliver(event: "thing.updated", key: "W2", payload: ["n": 1], agency: nil,
                                           dedupKey: nil, at: clock.now).isEmpty)
        let reached = try await delivery.deliver(event: "thing.updated", key: "W1", payload: ["n": 2], agency: nil,
                                                 dedupKey: "u-1", at: clock.now)
        #expect(reached == [.init(flow: "watch", instance: id)])
        // The same delivery again (a client retry with the same Idempotency-Key) adds nothing.
        _ = try await delivery.deliver(event: "thing.updated", key: "W1", payload: ["n": 2], agency: nil,
                                       dedupKey: "u-1", at: clock.now)
        #expect(try await store.inbox(instanceID: id).count == 1)
        try await worker.runOnce()
        let after = try #require(try await store.instance(id: id))
        #expect(after.status == .succeeded)
        let kinds = try await store.history(instanceID: id, after: 0).map(\.kind)
        #expect(kinds.contains(.eventReceived))
        // Another agency's delivery reaches no one.
        #expect(try await delivery.deliver(event: "thing.updated", key: "W1", payload: [:], agency: "other",
                                           dedupKey: nil, at: clock.now).isEmpty)
        try await f.close()
    }

    @Test("every waiting instance is found, page after page, none left out")
    func pages() async throws {
        let f = try await Fixture.make()
        let (registry, store, clock) = (f.registry, f.store, f.clock)
        // Seven instances waiting for "thing.updated", keys W0…W6; pages of three, three and one.
        for n in 0..<7 { _ = try await f.start("watch.started", id: "W\(n)") }
        let worker = f.worker()
        while try await worker.runOnce() > 0 {}
        let waiting = try await store.instances(matching: InstanceFilter(flow: "watch", status: .waiting))
        #expect(waiting.count == 7)
        var reached: Set<String> = []
        for n in 0..<7 {
            let delivered = try await EventDelivery(store: store, registry: registry, pageSize: 3).deliver(
                event: "thing.updated", key: "W\(n)", payload: [:], agency: nil, dedupKey: nil, at: clock.now)
            reached.formUnion(delivered.map(\.instance))
        }
        #expect(reached == Set(waiting.map(\.id)))
        try await f.close()
    }

    @Test("over HTTP: POST /events/{name}?key= answers what it started and delivered; one instance directly")
    func overHTTP() async throws {
        let directory = try Self.workflows()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("flow-\(UUID().uuidString).sqlite").path
        let keyStore = try await SQLiteFlowStore.open(.file(path: path), adding: TravelSchema.schema)
        let key = try await APIKeys.create(in: keyStore, name: "ops", agency: "acme", admin: false, at: DaemonFixtures.start)
        try await keyStore.close()
        let auth: HTTPFields = [.authorization: "Bearer \(key.token)"]
        let app = try await buildApplication(
            configuration: DaemonFixtures.configuration(database: "sqlite://" + path, workflows: directory.path),
            product: TravelProduct(), environment: DaemonEnvironment(variables: [:], transport: FixtureTransport(queue: [])))
        try await app.test(.router) { client in
            var instance = ""
            try await client.execute(uri: "/events/watch.started", method: .post, headers: auth,
                                     body: ByteBuffer(string: #"{"id":"W9"}"#)) {
                let body = try JSONDecoder().decode(EventResponse.self, from: Data(buffer: $0.body))
                instance = body.started.first?.instance ?? ""
                #expect(body.delivered.isEmpty)
            }
            try await client.execute(uri: "/instances/nope/events/thing.updated", method: .post, headers: auth,
                                     body: ByteBuffer(string: "{}")) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/instances/\(instance)/events/thing.updated", method: .post, headers: auth,
                                     body: ByteBuffer(string: "{nope")) { #expect($0.status == .badRequest) }
            // The daemon's worker runs under the router test too: the delivered event resumes the instance.
            try await client.execute(uri: "/instances/\(instance)/events/thing.updated?key=W9", method: .post, headers: auth,
                                     body: ByteBuffer(string: #"{"n":3}"#)) { #expect($0.status == .accepted) }
            var status = ""
            for _ in 0..<200 where status != "succeeded" {
                try await client.execute(uri: "/instances/\(instance)/events", method: .get, headers: auth) {
                    status = (try? JSONDecoder().decode(Value.self, from: Data(buffer: $0.body)))?["status"]?
                        .stringValue ?? ""
                }
                if status != "succeeded" { try await Task.sleep(for: .milliseconds(50)) }
            }
            #expect(status == "succeeded")
            try await client.execute(uri: "/instances/\(instance)/events/thing.updated", method: .post, headers: auth,
                                     body: ByteBuffer(string: "{}")) { #expect($0.status == .conflict) }
        }
        let store = try await SQLiteFlowStore.open(.file(path: path), migrate: false)
        let id = try #require(try await store.instances(matching: .init()).first?.id)
        let received = try await store.history(instanceID: id, after: 0).filter { $0.kind == .eventReceived }
        #expect(received.first?.details["key"] == "W9")
        try await store.close()
    }
}
