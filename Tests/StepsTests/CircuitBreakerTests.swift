import FakeProviders
import FlowEngine
import Steps
import Synchronization
import Testing

/// The circuit breaker's state machine on an injected clock, and a breaker in front of a fake Twilio
/// that fails and then recovers.
@Suite("Circuit breakers")
struct CircuitBreakerTests {
    static let t0 = Instant(iso8601: "2026-07-08T10:00:00Z")!
    static let settings = BreakerSettings(failures: 3, window: .seconds(30), openFor: .seconds(30))

    /// One step of a scripted run: at `second`, either ask to call (`admit`) expecting `admission`, or
    /// report an admitted call's outcome; `state` is the breaker's state afterwards.
    enum Step: Sendable {
        case admit(Int, CircuitBreaker.Admission, CircuitBreaker.State)
        case record(Int, CircuitBreaker.Outcome, probe: Bool, CircuitBreaker.State)
    }

    struct Script: Sendable, CustomTestStringConvertible {
        var name: String
        var steps: [Step]
        var testDescription: String { name }
    }

    static let scripts: [Script] = [
        Script(name: "three failures within the window open it; it refuses with the time left", steps: [
            .record(0, .failed, probe: false, .closed), .record(5, .failed, probe: false, .closed),
            .record(10, .failed, probe: false, .open),
            .admit(11, .refused(retryAfter: .seconds(29)), .open), .admit(39, .refused(retryAfter: .seconds(1)), .open),
        ]),
        Script(name: "a success in between restarts the count", steps: [
            .record(0, .failed, probe: false, .closed), .record(1, .failed, probe: false, .closed),
            .record(2, .answered, probe: false, .closed), .record(3, .failed, probe: false, .closed),
            .record(4, .failed, probe: false, .closed), .record(5, .failed, probe: false, .open),
        ]),
        Script(name: "failures further apart than the window do not open it", steps: [
            .record(0, .failed, probe: false, .closed), .record(20, .failed, probe: false, .closed),
            .record(31, .failed, probe: false, .closed), .record(40, .failed, probe: false, .closed),
            .admit(41, .allowed, .closed),
        ]),
        Script(name: "after the open interval one probe goes; its success closes the circuit", steps: [
            .record(0, .failed, probe: false, .closed), .record(0, .failed, probe: false, .closed),
            .record(0, .failed, probe: false, .open),
            .admit(30, .probe, .halfOpen), .admit(30, .refused(retryAfter: CircuitBreaker.probeWait), .halfOpen),
            .record(31, .answered, probe: true, .closed), .admit(31, .allowed, .closed),
        ]),
        Script(name: "a failed probe opens it again for a whole interval", steps: [
            .record(0, .failed, probe: false, .closed), .record(0, .failed, probe: false, .closed),
            .record(0, .failed, probe: false, .open),
            .admit(30, .probe, .halfOpen), .record(31, .failed, probe: true, .open),
            .admit(60, .refused(retryAfter: .seconds(1)), .open), .admit(61, .probe, .halfOpen),
        ]),
        Script(name: "late results of calls admitted before it opened change nothing", steps: [
            .record(0, .failed, probe: false, .closed), .record(0, .failed, probe: false, .closed),
            .record(0, .failed, probe: false, .open), .record(1, .answered, probe: false, .open),
            .admit(30, .probe, .halfOpen), .record(30, .answered, probe: false, .halfOpen),
            .record(30, .failed, probe: false, .halfOpen),
        ]),
        Script(name: "a probe that learned nothing lets the next call probe", steps: [
            .record(0, .failed, probe: false, .closed), .record(0, .failed, probe: false, .closed),
            .record(0, .failed, probe: false, .open), .admit(30, .probe, .halfOpen),
            .record(30, .neutral, probe: true, .halfOpen), .admit(30, .probe, .halfOpen),
        ]),
        Script(name: "a probe that never reports is replaced after another interval", steps: [
            .record(0, .failed, probe: false, .closed), .record(0, .failed, probe: false, .closed),
            .record(0, .failed, probe: false, .open), .admit(30, .probe, .halfOpen),
            .admit(59, .refused(retryAfter: CircuitBreaker.probeWait), .halfOpen), .admit(60, .probe, .halfOpen),
        ]),
        Script(name: "neutral outcomes never count", steps: [
            .record(0, .neutral, probe: false, .closed), .record(0, .neutral, probe: false, .closed),
            .record(0, .neutral, probe: false, .closed), .record(0, .neutral, probe: false, .closed),
            .admit(1, .allowed, .closed),
        ]),
    ]

    @Test("the state machine", arguments: scripts)
    func stateMachine(_ script: Script) {
        var breaker = CircuitBreaker(settings: Self.settings)
        for (index, step) in script.steps.enumerated() {
            switch step {
            case .admit(let second, let expected, let state):
                let (admission, _) = breaker.admit(at: Self.t0 + .seconds(Int64(second)))
                #expect(admission == expected, "step \(index)")
                #expect(breaker.state == state, "step \(index)")
            case .record(let second, let outcome, let probe, let state):
                _ = breaker.record(outcome, probe: probe, at: Self.t0 + .seconds(Int64(second)))
                #expect(breaker.state == state, "step \(index)")
            }
        }
    }

    @Test("settings parse over the defaults; bad text names the variable")
    func settings() throws {
        let parsed = try BreakerSettings.parse("failures=3, open=1m", over: .standard, from: "FLOW_BREAKERS")
        #expect(parsed == BreakerSettings(failures: 3, window: .seconds(30), openFor: .minutes(1)))
        #expect(throws: BreakerSettings.ParseError.self) {
            try BreakerSettings.parse("failures=0", over: .standard, from: "FLOW_BREAKERS")
        }
        #expect(throws: BreakerSettings.ParseError.self) {
            try BreakerSettings.parse("tries=3", over: .standard, from: "FLOW_BREAKERS_TWILIO")
        }
    }

    @Test("a fake Twilio that fails then recovers: the circuit opens, calls stop reaching it, a probe closes it")
    func fakeProviderFailsThenRecovers() async throws {
        let fake = FakeProviderServer()
        fake.script(.twilio, Array(repeating: .twilioError(code: 20500, status: 500), count: 3))
        let clock = Mutex(Self.t0)
        let transitions = Mutex<[String]>([])
        let breakers = CircuitBreakers(
            .init(standard: Self.settings), clock: { clock.withLock { $0 } },
            onTransition: { circuit, t in transitions.withLock { $0.append("\(circuit) \(t.from.rawValue)→\(t.to.rawValue)") } })
        let registry = StepRegistry([TwilioSendTextStep(), NoteSuppressedStep()])
            .guarded(by: breakers, providers: StepRegistry.guardedProviders)
        let send = try #require(registry["twilio.send_text"])
        let call = StepCall(arguments: ["to": "+5491155550000", "body": "Hola"])
        let context = TestSupport.context(fake)
        func advance(_ seconds: Int64) { clock.withLock { $0 = $0 + .seconds(seconds) } }

        // Three 500s: each reaches the fake; the third opens the circuit.
        for _ in 0..<3 {
            #expect(await send.run(call, context: context).failure?.code == "twilio.20500")
            advance(1)
        }
        let reachedWhenOpened = fake.requestCount(.twilio)
        #expect(reachedWhenOpened == 3)
        #expect(breakers.states == ["twilio": .open])

        // While open: ten calls fail fast, transient with the time left, and none reaches the fake.
        var refused = 0
        for _ in 0..<10 {
            let failure = try #require(await send.run(call, context: context).failure)
            #expect(failure.errorClass == .transient)
            #expect(failure.code == "circuit.open")
            #expect(failure.retryAfter.map { $0 > .zero && $0 <= .seconds(30) } == true)
            refused += 1
            advance(1)
        }
        let reachedWhileOpen = fake.requestCount(.twilio) - reachedWhenOpened
        #expect(reachedWhileOpen == 0)

        // After the interval the fake has recovered: one probe goes through and closes the circuit.
        advance(30)
        #expect(await send.run(call, context: context).value != nil)
        #expect(breakers.states == ["twilio": .closed])
        #expect(await send.run(call, context: context).value != nil)
        let total = fake.requestCount(.twilio)
        #expect(total == 5)
        #expect(fake.acceptedCount == 2)
        #expect(transitions.withLock { $0 } == ["twilio closed→open", "twilio open→half_open", "twilio half_open→closed"])
        print("""
            circuit breaker vs fake Twilio: \(reachedWhenOpened) failing requests reached the fake and opened the \
            circuit; \(refused) calls refused while open, \(reachedWhileOpen) of them reached the fake; 1 probe \
            closed it; \(total) requests reached the fake in all, \(fake.acceptedCount) messages accepted
            """)
    }

    @Test("agencies with their own Twilio account have their own circuit")
    func twilioCircuitPerAccount() async throws {
        let breakers = CircuitBreakers(.init(standard: Self.settings), clock: { Self.t0 })
        let send = try #require(StepRegistry([TwilioSendTextStep()])
            .guarded(by: breakers, providers: StepRegistry.guardedProviders)["twilio.send_text"])
        var context = TestSupport.context(FakeProviderServer(), transport: ServerErrors())
        context.credentials.agencyTwilio = TwilioAgencyAccounts([
            TwilioAgencyAccounts.key(agency: "acme"): TwilioCredentials(
                accountSid: "AC" + String(repeating: "c", count: 32), username: "AC" + String(repeating: "c", count: 32),
                password: Secret("other"), authToken: Secret("other"), messagingServiceSid: "MG" + String(repeating: "d", count: 32)),
        ])
        context.agency = "acme"
        let call = StepCall(arguments: ["to": "+5491155550000", "body": "Hola"])
        for _ in 0..<3 { _ = await send.run(call, context: context) }
        #expect(breakers.states == ["twilio:acme": .open])
        context.agency = "other-agency"
        #expect(await send.run(call, context: context).failure?.code != "circuit.open")
        #expect(breakers.states == ["twilio:acme": .open, "twilio": .closed])
    }

    /// Answers every request 500.
    struct ServerErrors: HTTPTransport {
        func send(_ request: HTTPRequestSpec, timeout: TimeSpan?) async throws(TransportError) -> HTTPResponseSpec {
            HTTPResponseSpec(status: 500, text: "{}")
        }
    }
}
