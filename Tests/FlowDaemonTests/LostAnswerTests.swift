import FakeProviders
import FlowEngine
import FlowRuntime
import Foundation
import Steps
import Synchronization
import Testing

/// A transport whose first POST reaches the fake (Twilio accepts the message) and then loses
/// the answer to a reset connection, as a provider's load balancer dropping a connection does.
final class ResetAfterAcceptingTransport: HTTPTransport {
    let fake: FakeProviderServer
    private let resets = Mutex(1)

    init(fake: FakeProviderServer) { self.fake = fake }

    func send(_ request: HTTPRequestSpec, timeout: TimeSpan?) async throws(TransportError) -> HTTPResponseSpec {
        let answer = try await fake.send(request, timeout: timeout)
        let reset = request.method == .post && resets.withLock { left in
            defer { left = max(0, left - 1) }
            return left > 0
        }
        if reset { throw TransportError(.connection, "connection reset by peer") }
        return answer
    }
}

@Suite("A send whose answer was lost")
struct LostAnswerTests {
    static let flow = """
        flow: greet-retry
        version: 1
        start: send
        states:
          send:
            step: twilio.send_text
            with: { to: "${{ input.phone }}", body: "Hola" }
            idempotency_key: "greet/${{ input.phone }}"
            retry: { max_attempts: 3, initial: 1s, on: [transient, timeout] }
            next: done
          done:
            succeed: true
        """

    /// The chaos run found it: a reset after Twilio accepted was recorded as a plain transient
    /// failure, so the retry sent the message a second time. A failed connection is in doubt.
    @Test("a connection reset after the provider accepted is in doubt: the retry looks it up, no second message")
    func resetAfterAccepting() async throws {
        let store = try await DaemonFixtures.temporarySQLite()
        let directory = WorkflowDirectory.load(
            flows: [SourceFile(path: "greet-retry.yaml", text: Self.flow)], agencies: [], catalogue: .standard)
        let registry = DefinitionRegistry(directory: directory)
        #expect(registry.flowNames == ["greet-retry"], "diagnostics: \(directory.diagnostics)")
        let fake = FakeProviderServer()
        let clock = TestClock(DaemonFixtures.start)
        let created = try await InstanceStarter(store: store, registry: registry)
            .start(flow: "greet-retry", input: ["phone": "+5491155550000"], agency: nil, idempotencyKey: "x", at: clock.now)
        guard case .created(let record) = created else { Issue.record("not created"); return }
        let worker = InstanceWorker(
            store: store, registry: registry, steps: StepRegistry.providers(),
            transport: ResetAfterAcceptingTransport(fake: fake), credentials: fake.credentials,
            endpoints: .local("http://fake.local"), configuration: .init(owner: "w", lease: .seconds(60)),
            clock: { clock.now })

        #expect(try await worker.runOnce() == 1)
        #expect(fake.acceptedCount == 1)
        clock.advance(.seconds(2))
        #expect(try await worker.runOnce() == 1)
        #expect(fake.acceptedCount == 1)  // found at the provider, not sent again
        #expect(try await store.instance(id: record.id)?.status == .succeeded)
        let resolutions = try await store.history(instanceID: record.id, after: 0)
            .filter { $0.kind == .effectInDoubt }.compactMap { $0.details["resolution"]?.stringValue }
        #expect(resolutions == ["found at provider"])
        try await store.close()
    }
}

/// A store whose first effect-ledger begin answers only after `clock` moved on by `delay` (a
/// write that waited out a database outage).
final class SlowFirstBegin: FlowStoreDecorator {
    let base: SQLiteFlowStore
    let clock: TestClock
    let delay: TimeSpan
    private let begins = Mutex(0)

    init(base: SQLiteFlowStore, clock: TestClock, delay: TimeSpan) {
        self.base = base
        self.clock = clock
        self.delay = delay
    }

    func beginEffect(_ effect: EffectRecord) async throws -> EffectBeginResult {
        let first = begins.withLock { count in
            defer { count += 1 }
            return count == 0
        }
        let result = try await base.beginEffect(effect)
        if first { clock.advance(delay) }
        return result
    }
}

@Suite("A ledger write that answers after the lease ran out")
struct LateLedgerTests {
    /// The full suite's PostgreSQL outage test found it: a begin queued behind the outage answered
    /// after the 3 s lease had run out, while another run of the instance already held it; both sent.
    @Test("nothing is sent under a lease that ran out; the next run finds nothing at the provider and sends once")
    func beginAnsweredAfterTheLease() async throws {
        let sqlite = try await DaemonFixtures.temporarySQLite()
        let clock = TestClock(DaemonFixtures.start)
        let store = SlowFirstBegin(base: sqlite, clock: clock, delay: TimeSpan(milliseconds: 1_300))
        let directory = WorkflowDirectory.load(
            flows: [SourceFile(path: "greet-retry.yaml", text: LostAnswerTests.flow)], agencies: [], catalogue: .standard)
        let registry = DefinitionRegistry(directory: directory)
        let fake = FakeProviderServer()
        let created = try await InstanceStarter(store: store, registry: registry)
            .start(flow: "greet-retry", input: ["phone": "+5491155550000"], agency: nil, idempotencyKey: "x", at: clock.now)
        guard case .created(let record) = created else { Issue.record("not created"); return }
        let worker = InstanceWorker(
            store: store, registry: registry, steps: StepRegistry.providers(), transport: fake,
            credentials: fake.credentials, endpoints: .local("http://fake.local"),
            configuration: .init(owner: "w", lease: .seconds(1)), clock: { clock.now })

        _ = try await worker.runOnce()
        #expect(fake.acceptedCount == 0, "sent under a lease that had run out")
        clock.advance(.seconds(5))
        #expect(try await worker.runOnce() == 1)
        #expect(fake.acceptedCount == 1)
        #expect(try await sqlite.instance(id: record.id)?.status == .succeeded)
        let resolutions = try await sqlite.history(instanceID: record.id, after: 0)
            .filter { $0.kind == .effectInDoubt }.compactMap { $0.details["resolution"]?.stringValue }
        #expect(resolutions == ["not at provider; sent"])
        try await sqlite.close()
    }
}
