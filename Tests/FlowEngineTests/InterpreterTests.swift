import FlowEngine
import Testing

/// Event in, actions out: each case starts a flow at T0, applies events, and checks the actions
/// of the last transition and the resulting status.
struct InterpreterCase: CustomStringConvertible, Sendable {
    var name: String
    var flow: Flow
    var events: [(InterpreterEvent, String)]
    var expected: [String]
    var status: InstanceState.Status
    var description: String { name }
}

let t0 = "2026-07-06T10:00:00Z"
let transient = StepError(.transient, code: "503", message: "unavailable")
let permanent = StepError(.permanent, code: "21211", message: "invalid To")

let callThenEnd = Build.flow("send", [
    Build.step("send", "twilio.send_template", with: ["to": Build.expr("input.to")], save: "sent",
               key: Build.expr("input.key"), retry: Build.retry(3), catches: [(.permanent, "gave_up")],
               timeout: "30s", next: "done"),
    Build.succeed("done", Build.expr("vars.sent")),
    Build.fail("gave_up", "permanent"),
])

let interpreterCases: [InterpreterCase] = [
    InterpreterCase(
        name: "start calls the step with key, attempt and deadline", flow: callThenEnd, events: [],
        expected: ["call twilio.send_template #1 i/c1 key=trip-1/confirmation deadline=2026-07-06T10:00:30Z"],
        status: .running),
    InterpreterCase(
        name: "success saves the output and completes", flow: callThenEnd,
        events: [(.stepSucceeded(callID: "i/c1", output: ["sid": "SM1"]), t0)],
        expected: [#"complete {"sid":"SM1"}"#], status: .succeeded),
    InterpreterCase(
        name: "transient failure schedules a retry after the initial delay", flow: callThenEnd,
        events: [(.stepFailed(callID: "i/c1", error: transient), t0)],
        expected: ["timer i/t2 2026-07-06T10:00:05Z"], status: .waiting),
    InterpreterCase(
        name: "the retry timer calls again with the same key", flow: callThenEnd,
        events: [(.stepFailed(callID: "i/c1", error: transient), t0), (.timerFired(id: "i/t2"), "2026-07-06T10:00:05Z")],
        expected: ["call twilio.send_template #2 i/c3 key=trip-1/confirmation deadline=2026-07-06T10:00:35Z"],
        status: .running),
    InterpreterCase(
        name: "the second backoff doubles", flow: callThenEnd,
        events: [
            (.stepFailed(callID: "i/c1", error: transient), t0), (.timerFired(id: "i/t2"), "2026-07-06T10:00:05Z"),
            (.stepFailed(callID: "i/c3", error: transient), "2026-07-06T10:00:06Z"),
        ],
        expected: ["timer i/t4 2026-07-06T10:00:16Z"], status: .waiting),
    InterpreterCase(
        name: "attempts exhausted: an uncaught transient error fails the flow", flow: callThenEnd,
        events: [
            (.stepFailed(callID: "i/c1", error: transient), t0), (.timerFired(id: "i/t2"), "2026-07-06T10:00:05Z"),
            (.stepFailed(callID: "i/c3", error: transient), "2026-07-06T10:00:06Z"),
            (.timerFired(id: "i/t4"), "2026-07-06T10:00:16Z"),
            (.stepFailed(callID: "i/c5", error: transient), "2026-07-06T10:00:17Z"),
        ],
        expected: ["fail transient"], status: .failed),
    InterpreterCase(
        name: "a permanent error is not retried and goes to its catch", flow: callThenEnd,
        events: [(.stepFailed(callID: "i/c1", error: permanent), t0)],
        expected: ["caught gave_up", "fail permanent"], status: .failed),
    InterpreterCase(
        name: "Retry-After longer than the backoff wins", flow: callThenEnd,
        events: [(.stepFailed(callID: "i/c1", error: StepError(.transient, code: "429", message: "slow down",
                                                                 retryAfter: .minutes(2))), t0)],
        expected: ["timer i/t2 2026-07-06T10:02:00Z"], status: .waiting),
    InterpreterCase(
        name: "a stale step result is ignored", flow: callThenEnd,
        events: [(.stepSucceeded(callID: "i/c99", output: [:]), t0)], expected: [], status: .running),
    InterpreterCase(
        name: "the retry budget stops retries", flow: Build.flow("poll", [
            Build.step("poll", "aeroapi.flight", retry: Build.retry(10, initial: "1m", budget: "90s"), next: "done"),
            Build.succeed("done"),
        ]),
        events: [
            (.stepFailed(callID: "i/c1", error: transient), t0), (.timerFired(id: "i/t2"), "2026-07-06T10:01:00Z"),
            (.stepFailed(callID: "i/c3", error: transient), "2026-07-06T10:01:00Z"),
        ],
        expected: ["fail transient"], status: .failed),
    InterpreterCase(
        name: "error-class filter: not_found is not retried", flow: Build.flow("poll", [
            Build.step("poll", "aeroapi.flight", retry: Build.retry(5, on: [.transient]), catches: [(nil, "missing")],
                       next: "done"),
            Build.succeed("done"), Build.succeed("missing", Build.lit("missing")),
        ]),
        events: [(.stepFailed(callID: "i/c1", error: StepError(.notFound, message: "no flight")), t0)],
        expected: ["caught missing", #"complete "missing""#], status: .succeeded),
    InterpreterCase(
        name: "a step timeout is caught like any other class", flow: Build.flow("poll", [
            Build.step("poll", "aeroapi.flight", catches: [(.timeout, "slow")], timeout: "10s", next: "done"),
            Build.succeed("done"), Build.succeed("slow", Build.lit("slow")),
        ]),
        events: [(.stepFailed(callID: "i/c1", error: StepError(.timeout, message: "deadline passed")), t0)],
        expected: ["caught slow", #"complete "slow""#], status: .succeeded),
    InterpreterCase(
        name: "cancel disarms timers and ends the instance", flow: callThenEnd,
        events: [(.stepFailed(callID: "i/c1", error: transient), t0), (.cancelRequested(reason: "trip deleted"), t0)],
        expected: ["cancel i/t2", "fail cancelled"], status: .cancelled),
]

@Test(arguments: interpreterCases)
func interpreterTransitions(_ testCase: InterpreterCase) {
    var run = Run(testCase.flow, input: ["to": "+5491155550000", "key": "trip-1/confirmation"], at: .at(t0))
    for (event, time) in testCase.events { run.apply(event, at: .at(time)) }
    #expect(run.last == testCase.expected)
    #expect(run.state.status == testCase.status)
}

@Test func stateSurvivesAJSONRoundTrip() throws {
    var run = Run(callThenEnd, input: ["to": "+1", "key": "k"], at: .at(t0))
    run.apply(.stepFailed(callID: "i/c1", error: transient), at: .at(t0))
    let data = try JSONEncoder().encode(run.state)
    let decoded = try JSONDecoder().decode(InstanceState.self, from: data)
    #expect(decoded == run.state)
    let next = run.interpreter.apply(.timerFired(id: "i/t2"), to: decoded, at: .at("2026-07-06T10:00:05Z"))
    #expect(summary(next.actions).first?.hasPrefix("call twilio.send_template #2") == true)
}

@Test func jitterIsDeterministicAndBounded() {
    let backoff = RetryBackoff(initial: .seconds(10), factor: 2, maxDelay: .minutes(1), jitter: .full)
    let first = backoff.delay(afterAttempt: 3, instanceID: "trip-1")
    #expect(first == backoff.delay(afterAttempt: 3, instanceID: "trip-1"))
    #expect(first >= .zero && first <= .seconds(40))
    #expect(backoff.delay(afterAttempt: 3, instanceID: "trip-2") != first)
    let equal = RetryBackoff(initial: .seconds(10), factor: 2, maxDelay: .seconds(30), jitter: .equal)
    let capped = equal.delay(afterAttempt: 5, instanceID: "x")
    #expect(capped >= .seconds(15) && capped <= .seconds(30))
}

import Foundation
