import FlowEngine
import Testing

/// `on_exhausted: pause`: a step whose retries ran out on a class it retries waits for a person to
/// resume it (another round, or its error goes on) or to cancel the instance.
@Suite struct InterpreterPauseTests {
    static func sendFlow(catches: [(ErrorClass?, String)] = [(.permanent, "gave_up")], budget: String? = nil) -> Flow {
        Build.flow("send", [
            Build.step("send", "twilio.send_template", with: ["to": Build.expr("input.to")], save: "sent",
                       key: Build.expr("input.key"), retry: Build.retry(2, budget: budget, onExhausted: .pause),
                       catches: catches, next: "done"),
            Build.succeed("done", Build.expr("vars.sent")),
            Build.fail("gave_up", "permanent"),
        ])
    }

    static let input: Value = ["to": "+5491155550000", "key": "trip-1/confirmation"]

    /// Fails the first attempt, fires its retry, fails the second: the two attempts of `max_attempts: 2`.
    static func exhausted(_ flow: Flow = sendFlow()) -> Run {
        var run = Run(flow, input: input, at: .at(t0))
        run.apply(.stepFailed(callID: "i/c1", error: transient), at: .at(t0))
        run.apply(.timerFired(id: "i/t2"), at: .at("2026-07-06T10:00:05Z"))
        run.apply(.stepFailed(callID: "i/c3", error: transient), at: .at("2026-07-06T10:00:06Z"))
        return run
    }

    @Test func exhaustedRetriesPauseInsteadOfFailing() throws {
        let run = Self.exhausted()
        #expect(run.last == ["paused #2 503"])
        #expect(run.state.status == .waiting)
        #expect(run.state.timers.isEmpty)
        #expect(run.state.nextWakeUp == nil)
        let root = try #require(run.state.frames["root"])
        guard case .paused(let attempt, let error, let since) = root.phase else {
            Issue.record("expected a paused frame, found \(root.phase)")
            return
        }
        #expect(attempt.attempt == 2)
        #expect(error == FlowError(.transient, code: "503", message: "unavailable"))
        #expect(since == .at("2026-07-06T10:00:06Z"))
    }

    @Test func withoutPauseTheSameFailureFailsTheFlow() {
        var run = Run(callThenEnd, input: Self.input, at: .at(t0))
        run.apply(.stepFailed(callID: "i/c1", error: transient), at: .at(t0))
        run.apply(.timerFired(id: "i/t2"), at: .at("2026-07-06T10:00:05Z"))
        run.apply(.stepFailed(callID: "i/c3", error: transient), at: .at("2026-07-06T10:00:06Z"))
        run.apply(.timerFired(id: "i/t4"), at: .at("2026-07-06T10:00:16Z"))
        run.apply(.stepFailed(callID: "i/c5", error: transient), at: .at("2026-07-06T10:00:17Z"))
        #expect(run.last == ["fail transient"])
        #expect(run.state.status == .failed)
    }

    @Test func resumeRetriesWithAFreshRoundAndTheSameKey() {
        var run = Self.exhausted()
        run.apply(.resumeRequested(ResumeRequest(.retry, by: "ops", note: "account topped up")), at: .at("2026-07-06T12:00:00Z"))
        // The attempt number keeps counting (the step knows it ran before); the key is the same.
        #expect(run.last == ["resumed retry by ops", "call twilio.send_template #3 i/c4 key=trip-1/confirmation"])
        #expect(run.state.status == .running)
        let resumed = run.transitions.last?.actions.compactMap { action -> TimelineEntry? in
            if case .emit(let entry) = action, entry.kind == .resumed { entry } else { nil }
        }.first
        #expect(resumed?.details["note"] == "account topped up")
        // `max_attempts: 2` counts from the resume: one failure schedules a retry after `initial`.
        run.apply(.stepFailed(callID: "i/c4", error: transient), at: .at("2026-07-06T12:00:01Z"))
        #expect(run.last == ["timer i/t5 2026-07-06T12:00:06Z"])
        run.apply(.timerFired(id: "i/t5"), at: .at("2026-07-06T12:00:06Z"))
        #expect(run.last == ["call twilio.send_template #4 i/c6 key=trip-1/confirmation"])
        // The round's second failure pauses again.
        run.apply(.stepFailed(callID: "i/c6", error: transient), at: .at("2026-07-06T12:00:07Z"))
        #expect(run.last == ["paused #4 503"])
        #expect(run.state.status == .waiting)
        run.apply(.resumeRequested(ResumeRequest(.retry)), at: .at("2026-07-06T13:00:00Z"))
        run.apply(.stepSucceeded(callID: "i/c7", output: ["sid": "SM1"]), at: .at("2026-07-06T13:00:01Z"))
        #expect(run.last == [#"complete {"sid":"SM1"}"#])
        #expect(run.state.status == .succeeded)
    }

    @Test func theBudgetCountsFromTheResume() {
        // A 10-second budget with 5 s backoffs: the first round pauses after attempt 2.
        var run = Run(Self.sendFlow(budget: "10s"), input: Self.input, at: .at(t0))
        run.apply(.stepFailed(callID: "i/c1", error: transient), at: .at(t0))
        run.apply(.timerFired(id: "i/t2"), at: .at("2026-07-06T10:00:05Z"))
        run.apply(.stepFailed(callID: "i/c3", error: transient), at: .at("2026-07-06T10:00:05Z"))
        #expect(run.last == ["paused #2 503"])
        // An hour later: the budget counts from the resume, so the round's failure is retried, not paused.
        run.apply(.resumeRequested(ResumeRequest(.retry)), at: .at("2026-07-06T11:00:00Z"))
        run.apply(.stepFailed(callID: "i/c4", error: transient), at: .at("2026-07-06T11:00:00Z"))
        #expect(run.last == ["timer i/t5 2026-07-06T11:00:05Z"])
    }

    @Test func resumeWithFailSendsTheErrorToItsCatch() {
        var run = Self.exhausted(Self.sendFlow(catches: [(.transient, "gave_up")]))
        run.apply(.resumeRequested(ResumeRequest(.fail, by: "ops")), at: .at("2026-07-06T12:00:00Z"))
        #expect(run.last == ["resumed fail by ops", "caught gave_up", "fail permanent"])
        #expect(run.state.status == .failed)
    }

    @Test func resumeWithFailAndNoCatchFailsTheFlowWithTheError() {
        var run = Self.exhausted()
        run.apply(.resumeRequested(ResumeRequest(.fail)), at: .at("2026-07-06T12:00:00Z"))
        #expect(run.last == ["resumed fail by -", "fail transient"])
        #expect(run.state.failure?.code == "503")
    }

    @Test func anErrorTheRetryDoesNotCoverNeverPauses() {
        var run = Run(Self.sendFlow(), input: Self.input, at: .at(t0))
        run.apply(.stepFailed(callID: "i/c1", error: permanent), at: .at(t0))
        #expect(run.last == ["caught gave_up", "fail permanent"])
    }

    @Test func aPausedInstanceCanBeCancelled() {
        var run = Self.exhausted()
        run.apply(.cancelRequested(reason: "cancelled by ops"), at: .at("2026-07-06T12:00:00Z"))
        #expect(run.last == ["fail cancelled"])
        #expect(run.state.status == .cancelled)
    }

    @Test func aResumeWithNothingPausedChangesNothing() {
        var run = Run(Self.sendFlow(), input: Self.input, at: .at(t0))
        let before = run.state
        run.apply(.resumeRequested(ResumeRequest(.retry)), at: .at(t0))
        #expect(run.last.isEmpty)
        #expect(run.transitions.last?.actions.contains { action in
            if case .emit(let entry) = action { entry.kind == .ignored } else { false }
        } == true)
        #expect(run.state.frames == before.frames)
        #expect(run.state.status == .running)
    }

    @Test func aPausedBranchWaitsWhileItsSiblingsGoOn() throws {
        let (loaded, diagnostics) = FlowLoader.load(SourceFile(path: "paused-branch.yaml", text: """
            flow: paused-branch
            version: 1
            start: both
            states:
              both:
                parallel:
                  branches:
                    a:
                      start: send
                      states:
                        send:
                          step: twilio.send_text
                          with: { to: "+5491155550000", body: "hola" }
                          idempotency_key: a
                          retry: { max_attempts: 1, on: [transient], on_exhausted: pause }
                          catch: [ { errors: [permanent], next: a_done } ]
                          next: a_done
                        a_done: { succeed: true }
                    b:
                      start: b_done
                      states:
                        b_done: { succeed: true }
                next: done
              done: { succeed: true }
            """))
        #expect(diagnostics.filter { $0.severity == .error }.isEmpty, "\(diagnostics)")
        let flow = try #require(loaded)
        var run = Run(flow, at: .at(t0))
        let call = try #require(run.transitions.last?.actions.compactMap { action -> String? in
            if case .callStep(let invocation) = action { invocation.callID } else { nil }
        }.first)
        run.apply(.stepFailed(callID: call, error: transient), at: .at(t0))
        #expect(run.last == ["paused #1 503"])
        #expect(run.state.status == .waiting)
        run.apply(.resumeRequested(ResumeRequest(.retry)), at: .at("2026-07-06T10:05:00Z"))
        let retried = try #require(run.transitions.last?.actions.compactMap { action -> String? in
            if case .callStep(let invocation) = action { invocation.callID } else { nil }
        }.first)
        run.apply(.stepSucceeded(callID: retried, output: ["sid": "SM1"]), at: .at("2026-07-06T10:05:01Z"))
        #expect(run.state.status == .succeeded)
    }
}
