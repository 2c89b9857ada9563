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
