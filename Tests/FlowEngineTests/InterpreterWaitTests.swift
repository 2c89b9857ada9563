import FlowEngine
import Testing

private let here = Build.here

private func window(_ quiet: String, _ zone: String, notAfter: String? = nil) -> SendWindowSpec {
    SendWindowSpec(quiet: Build.lit(.string(quiet)), zone: Build.lit(.string(zone)),
                   notAfter: notAfter.map { Build.lit(.string($0)) }, location: here)
}

private func untilFlow(_ due: String, window spec: SendWindowSpec?) -> Flow {
    Build.flow("wait", [
        Build.wait("wait", .until(Build.lit(.string(due))), window: spec, next: "send"),
        Build.step("send", "notify.send", with: ["deferred_from": Build.expr("wake.deferred_from")], next: nil),
    ])
}

/// A timed wait that saves its wake-up record, and a state that reads it back.
private let savedWakeFlow = Build.flow("wait", [
    Build.state("wait", .wait(WaitState(
        condition: .until(Build.lit(.string("2026-07-07T20:10:00Z"))), window: window("20:00-09:00", "Europe/London"),
        save: Build.name("woke"), next: Build.name("done")))),
    Build.succeed("done", Build.expr("vars.woke")),
])

private let eventFlow = Build.flow("listen", [
    Build.state("listen", .wait(WaitState(condition: .event(EventWait(
        name: Build.name("whatsapp.inbound"), correlation: Build.expr("input.phone"), lookback: Build.lit("1h"),
        timeout: Build.lit("2h"), onTimeout: Build.name("silent"), save: Build.name("message"), location: here)),
        window: nil, next: Build.name("heard")))),
    Build.succeed("heard", Build.expr("vars.message")),
    Build.succeed("silent", Build.lit("silent")),
])

private let approvalFlow = Build.flow("ask", [
    Build.state("ask", .approval(ApprovalState(
        request: Build.lit(["kind": "itinerary", "summary": "3 days"]), approvers: Build.lit(["ops"]),
        expiresIn: Build.lit("4h"), onApprove: Build.name("approved"), onReject: Build.name("rejected"),
        onTimeout: nil, save: Build.name("decision")))),
    Build.succeed("approved", Build.lit("approved")),
    Build.succeed("rejected", Build.expr("vars.decision.decision")),
])

private func branch(_ name: String, _ step: String) -> ParallelState.Branch {
    .init(name: Build.name(name), graph: StateGraph(start: Build.name("call"), states: [
        Build.step("call", step, with: ["phone": Build.expr("input.phone")], next: nil),
    ]))
}

private let parallelFlow = Build.flow("both", [
    Build.state("both", .parallel(ParallelState(
        branches: [branch("flight", "aeroapi.flight"), branch("weather", "openai.chat")],
        join: Located(.all, at: here), save: Build.name("both"), catches: [], next: Build.name("done")))),
    Build.succeed("done", Build.expr("vars.both")),
])

private let forEachFlow = Build.flow("each", [
    Build.state("each", .forEach(ForEachState(
        items: Build.expr("input.items"), itemName: Build.name("item"), maxItems: Located(3, at: here),
        concurrency: Located(2, at: here),
        body: StateGraph(start: Build.name("call"), states: [Build.step("call", "openai.chat",
                                                                        with: ["item": Build.expr("item")], next: nil)]),
        save: Build.name("all"), catches: [(CatchClause(errors: [Located(.limit, at: here)], next: Build.name("too_many"),
                                                        save: nil, location: here))], next: Build.name("done")))),
    Build.succeed("done", Build.expr("vars.all")),
    Build.succeed("too_many", Build.lit("too many")),
])

private let choiceFlow = Build.flow("route", [
    Build.state("route", .choice(ChoiceState(branches: [
        .init(when: Build.expr("input.cancelled"), next: Build.name("cancelled"), location: here),
    ], defaultNext: Build.name("set")))),
    Build.state("set", .set(SetState(values: [.init(name: Build.name("seen"), value: Build.expr("input.items"))],
                                     next: Build.name("done")))),
    Build.succeed("done", Build.expr("vars.seen")),
    Build.succeed("cancelled", Build.lit("cancelled")),
])

let waitCases: [InterpreterCase] = [
    InterpreterCase(
        name: "until outside quiet hours wakes when due", flow: untilFlow("2026-07-07T10:30:00Z", window: window("20:00-09:00", "UTC")),
        events: [], expected: ["timer i/t1 2026-07-07T10:30:00Z"], status: .waiting),
    InterpreterCase(
        name: "21:10 London defers to 09:00 local", flow: untilFlow("2026-07-07T20:10:00Z", window: window("20:00-09:00", "Europe/London")),
        events: [],
        expected: [#"deferred "2026-07-07T20:10:00Z" -> "2026-07-08T08:00:00Z""#, "timer i/t1 2026-07-08T08:00:00Z"],
        status: .waiting),
    InterpreterCase(
        name: "not_after moves the wake-up before the window instead", flow: untilFlow(
            "2026-07-07T20:10:00Z", window: window("20:00-09:00", "Europe/London", notAfter: "2026-07-07T23:00:00Z")),
        events: [],
        expected: [#"deferred "2026-07-07T20:10:00Z" -> "2026-07-07T18:59:00Z""#, "timer i/t1 2026-07-07T18:59:00Z"],
        status: .waiting),
    InterpreterCase(
        name: "the deferred wake-up exposes wake.deferred_from",
        flow: untilFlow("2026-07-07T20:10:00Z", window: window("20:00-09:00", "Europe/London")),
        events: [(.timerFired(id: "i/t1"), "2026-07-08T08:00:00Z")],
        expected: ["call notify.send #1 i/c2 key=i/c2"], status: .running),
    InterpreterCase(
        name: "a timed wait's save holds when it woke, when it was due and where quiet hours moved it from",
        flow: savedWakeFlow, events: [(.timerFired(id: "i/t1"), "2026-07-08T08:00:00Z")],
        expected: [#"complete {"at":"2026-07-08T08:00:00Z","deferred_from":"2026-07-07T20:10:00Z","due":"2026-07-07T20:10:00Z"}"#],
        status: .succeeded),
    InterpreterCase(
        name: "an event with the right key ends the wait", flow: eventFlow,
        events: [(.eventReceived(name: "whatsapp.inbound", key: "+54911", payload: ["body": "hola"]), t0)],
        expected: ["cancel i/t1", #"complete {"body":"hola"}"#], status: .succeeded),
    InterpreterCase(
        name: "an event with another key is kept, not delivered", flow: eventFlow,
        events: [(.eventReceived(name: "whatsapp.inbound", key: "+1", payload: [:]), t0)], expected: [], status: .waiting),
    InterpreterCase(
        name: "a bounded event wait times out to on_timeout", flow: eventFlow,
        events: [(.timerFired(id: "i/t1"), "2026-07-06T12:00:00Z")], expected: [#"complete "silent""#], status: .succeeded),
    InterpreterCase(
        name: "approval requested with its expiry", flow: approvalFlow, events: [],
        expected: ["timer i/t2 2026-07-06T14:00:00Z", "approval i/a1 expires=2026-07-06T14:00:00Z"], status: .waiting),
    InterpreterCase(
        name: "approve goes to on_approve", flow: approvalFlow,
        events: [(.approvalDecided(id: "i/a1", decision: ApprovalDecision(.approve, by: "ana")), t0)],
        expected: ["cancel i/t2", #"complete "approved""#], status: .succeeded),
    InterpreterCase(
        name: "an expired approval never approves", flow: approvalFlow,
        events: [(.timerFired(id: "i/t2"), "2026-07-06T14:00:00Z")], expected: [#"complete "expired""#], status: .succeeded),
    InterpreterCase(
        name: "parallel starts every branch", flow: parallelFlow, events: [],
        expected: ["call aeroapi.flight #1 i/c3 key=i/c3", "call openai.chat #1 i/c4 key=i/c4"], status: .running),
    InterpreterCase(
        name: "parallel all joins every output", flow: parallelFlow,
        events: [(.stepSucceeded(callID: "i/c4", output: "sunny"), t0), (.stepSucceeded(callID: "i/c3", output: "on time"), t0)],
        expected: [#"complete {"flight":"on time","weather":"sunny"}"#], status: .succeeded),
    InterpreterCase(
        name: "for_each runs at most `concurrency` items and keeps their order", flow: forEachFlow,
        events: [
            (.stepSucceeded(callID: "i/c4", output: "B"), t0), (.stepSucceeded(callID: "i/c3", output: "A"), t0),
            (.stepSucceeded(callID: "i/c6", output: "C"), t0),
        ],
        expected: [#"complete ["A","B","C"]"#], status: .succeeded),
    InterpreterCase(
        name: "choice default and set", flow: choiceFlow, events: [], expected: [#"complete ["a","b","c"]"#],
        status: .succeeded),
]

@Test(arguments: waitCases)
func interpreterWaitsAndComposites(_ testCase: InterpreterCase) {
    var run = Run(testCase.flow, input: ["phone": "+54911", "items": ["a", "b", "c"], "cancelled": false], at: .at(t0))
    for (event, time) in testCase.events { run.apply(event, at: .at(time)) }
    #expect(run.last == testCase.expected)
    #expect(run.state.status == testCase.status)
}

@Test func forEachOverItsBoundIsALimitError() {
    let run = Run(forEachFlow, input: ["items": ["a", "b", "c", "d"]], at: .at(t0))
    #expect(run.last == ["caught too_many", #"complete "too many""#])
}

@Test func lookbackDeliversAnEarlierEvent() {
    let flow = Build.flow("first", [
        Build.wait("first", .duration(Build.lit("10m")), next: "listen"),
    ] + eventFlow.graph.states)
    var run = Run(flow, input: ["phone": "+54911"], at: .at(t0))
    run.apply(.eventReceived(name: "whatsapp.inbound", key: "+54911", payload: ["body": "early"]), at: .at("2026-07-06T10:05:00Z"))
    run.apply(.timerFired(id: "i/t1"), at: .at("2026-07-06T10:10:00Z"))
    #expect(run.last == [#"complete {"body":"early"}"#])
}
