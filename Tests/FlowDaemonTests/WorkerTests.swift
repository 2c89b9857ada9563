import FakeProviders
import FlowEngine
import FlowRuntime
import Travel
import Foundation
import Steps
import Synchronization
import Testing

/// A settable clock shared by the worker and the test.
final class TestClock: Sendable {
    private let current: Mutex<Instant>
    init(_ start: Instant) { current = Mutex(start) }
    var now: Instant { current.withLock { $0 } }
    func advance(_ span: TimeSpan) { current.withLock { $0 = $0 + span } }
}

enum DaemonFixtures {
    static let start = Instant(iso8601: "2026-07-08T10:00:00Z")!

    static let greet = """
        flow: greet
        version: 1
        start: send
        states:
          send:
            step: twilio.send_text
            with: { to: "${{ input.phone }}", body: "Hola" }
            idempotency_key: "greet/${{ input.phone }}"
            next: pause
          pause:
            wait:
              for: 10m
            next: done
          done:
            succeed: true
        """

    static func registry() -> DefinitionRegistry {
        let directory = WorkflowDirectory.load(
            flows: [SourceFile(path: "greet.yaml", text: greet)], agencies: [], catalogue: .standard)
        return DefinitionRegistry(directory: directory)
    }

    static func temporarySQLite() async throws -> SQLiteFlowStore {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("flow-daemon-\(UUID().uuidString).sqlite").path
        return try await SQLiteFlowStore.open(.file(path: path), adding: TravelSchema.schema)
    }

    /// `serve`'s configuration over the shipped workflows and `database`, on a free port of loopback.
    static func configuration(database: String, workflows: String = EventFixtures.workflows) -> DaemonConfiguration {
        DaemonConfiguration(port: 0, host: "127.0.0.1", workflows: workflows, database: database, logFormat: .text)
    }

    /// An event dispatcher with the travel product's recorders (`records: trip`).
    static func dispatcher<Store: FlowStore & TravelStore>(
        _ store: Store, registry: DefinitionRegistry
    ) -> EventDispatcher<Store> {
        EventDispatcher(store: store, registry: registry, recorders: TravelProduct().parts(store).recorders)
    }

    static func worker<Store: FlowStore & TravelStore>(
        _ store: Store, registry: DefinitionRegistry, fake: FakeProviderServer, clock: TestClock, owner: String,
        handoff: StartHandoff? = nil
    ) -> InstanceWorker<Store> {
        InstanceWorker(
            store: store, registry: registry, steps: StepRegistry.providers().adding(TravelProduct.steps(store)),
            transport: fake, credentials: fake.credentials,
            endpoints: .local("http://fake.local"),
            configuration: .init(owner: owner, lease: .seconds(60), handoff: handoff), clock: { clock.now })
    }
}

@Suite("Instance worker")
struct WorkerTests {
    @Test("runs instances to completion on SQLite, sending each message once")
    func completesOnSQLite() async throws {
        let store = try await DaemonFixtures.temporarySQLite()
        let registry = DaemonFixtures.registry()
        #expect(registry.flowNames == ["greet"], "diagnostics: \(registry.directory.diagnostics)")
        let fake = FakeProviderServer()
        let clock = TestClock(DaemonFixtures.start)
        let starter = InstanceStarter(store: store, registry: registry)
        for n in 0..<3 {
            _ = try await starter.start(flow: "greet", input: ["phone": .string("+54911555500\(n)0")], agency: nil,
                                        idempotencyKey: "k\(n)", at: clock.now)
        }
        // Same key again: no second instance.
        let again = try await starter.start(flow: "greet", input: ["phone": "+5491155550000"], agency: nil,
                                            idempotencyKey: "k0", at: clock.now)
        guard case .existing = again else { Issue.record("a repeated key created an instance"); return }

        let worker = DaemonFixtures.worker(store, registry: registry, fake: fake, clock: clock, owner: "w1")
        #expect(try await worker.runOnce() == 3)
        #expect(fake.acceptedCount == 3)
        #expect(try await store.instances(matching: InstanceFilter(status: .waiting)).count == 3)
        #expect(try await worker.runOnce() == 0)  // waiting on a timer: nothing due
        clock.advance(.minutes(10))
        #expect(try await worker.runOnce() == 3)
        #expect(try await store.instances(matching: InstanceFilter(status: .succeeded)).count == 3)
        #expect(fake.acceptedCount == 3)
        let first = try #require(try await store.instances(matching: InstanceFilter()).first)
        let kinds = try await store.history(instanceID: first.id, after: 0).map(\.kind)
        #expect(kinds.contains(.stepSucceeded) && kinds.last == .completed || kinds.contains(.completed))
        try await store.close()
    }

    @Test("two workers on one store never send a step twice")
    func twoWorkers() async throws {
        let store = try await DaemonFixtures.temporarySQLite()
        let registry = DaemonFixtures.registry()
        let fake = FakeProviderServer()
        let clock = TestClock(DaemonFixtures.start)
        let starter = InstanceStarter(store: store, registry: registry)
        for n in 0..<20 {
            _ = try await starter.start(flow: "greet", input: ["phone": .string("+549115555\(1000 + n)")],
                                        agency: nil, idempotencyKey: "t\(n)", at: clock.now)
        }
        let a = DaemonFixtures.worker(store, registry: registry, fake: fake, clock: clock, owner: "a")
        let b = DaemonFixtures.worker(store, registry: registry, fake: fake, clock: clock, owner: "b")
        async let ranA = a.runOnce()
        async let ranB = b.runOnce()
        let total = try await ranA + ranB
        #expect(total <= 32)
        while try await a.runOnce() + b.runOnce() > 0 {}
        #expect(fake.acceptedCount == 20)
        #expect(Set(fake.acceptedMessages.map(\.to)).count == 20)
        try await store.close()
    }

    @Test("an in-doubt send is looked up at Twilio, not resent")
    func inDoubtLookup() async throws {
        let store = try await DaemonFixtures.temporarySQLite()
        let registry = DaemonFixtures.registry()
        let fake = FakeProviderServer()
        let clock = TestClock(DaemonFixtures.start)
        let created = try await InstanceStarter(store: store, registry: registry)
            .start(flow: "greet", input: ["phone": "+5491155550000"], agency: nil, idempotencyKey: "x", at: clock.now)
        guard case .created(let record) = created else { Issue.record("not created"); return }
        // A previous daemon sent the message and died before completing the ledger entry.
        let context = StepContext(transport: fake, now: clock.now, credentials: fake.credentials,
                                  endpoints: .local("http://fake.local"))
        _ = await TwilioSendTextStep().run(StepCall(arguments: ["to": "+5491155550000", "body": "Hola"]), context: context)
        let key = EffectLedger<SQLiteFlowStore>.key(instanceID: record.id, idempotencyKey: "greet/+5491155550000")
        _ = try await store.beginEffect(EffectRecord(
            key: key, instanceID: record.id, step: "twilio.send_text", request: [:], startedAt: clock.now))
        #expect(fake.acceptedCount == 1)

        let worker = DaemonFixtures.worker(store, registry: registry, fake: fake, clock: clock, owner: "w")
        #expect(try await worker.runOnce() == 1)
        #expect(fake.acceptedCount == 1)  // found at the provider; not sent again
        let kinds = try await store.history(instanceID: record.id, after: 0).map(\.kind)
        #expect(kinds.contains(.effectInDoubt))
        #expect(try await store.instance(id: record.id)?.status == .waiting)
        try await store.close()
    }
}

@Suite("Instance worker slots")
struct WorkerSlotTests {
    @Test("a slow provider call holds up its own instance only, not the instances claimed with it")
    func slowCallHoldsOneSlot() async throws {
        let store = try await DaemonFixtures.temporarySQLite()
        let registry = DaemonFixtures.registry()
        let fake = FakeProviderServer()
        // The first send Twilio receives is answered after 30 s; every other one at once.
        fake.script(.twilio, [.delayed(.seconds(30))])
        let clock = TestClock(DaemonFixtures.start)
        let starter = InstanceStarter(store: store, registry: registry)
        for n in 0..<24 {
            _ = try await starter.start(flow: "greet", input: ["phone": .string("+549115556\(1000 + n)")],
                                        agency: nil, idempotencyKey: "slot\(n)", at: clock.now)
        }
        let worker = DaemonFixtures.worker(store, registry: registry, fake: fake, clock: clock, owner: "slots")
        let started = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await worker.run() }
            // 16 run at once; the 15 quick ones free their slots and the other 8 are claimed and sent,
            // while the slow one still waits for its answer (a batch barrier would hold all 8 for 30 s).
            let others = await ServeEndToEndTests.eventually(20) { fake.acceptedCount >= 23 }
            #expect(others, "\(fake.acceptedCount) sent")
            #expect(ContinuousClock.now - started < .seconds(25))
            group.cancelAll()
        }
        try await store.close()
    }
}
