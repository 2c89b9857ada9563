import FlowEngine

/// Small builders for flows written in Swift, and a readable summary of interpreter actions.
enum Build {
    static let here = SourceLocation(file: "test.yaml", line: 1, column: 1)

    static func name(_ text: String) -> Located<String> { Located(text, at: here) }
    static func lit(_ value: Value) -> ValueTemplate { .literal(value, here) }
    static func expr(_ text: String) -> ValueTemplate { .expression(ExpressionSource(text, at: here)) }

    static func flow(_ start: String, _ states: [State]) -> Flow {
        Flow(name: name("test-flow"), version: Located(1, at: here), description: nil, triggers: [], input: [],
             settings: [], graph: StateGraph(start: name(start), states: states), location: here)
    }

    static func state(_ stateName: String, _ kind: StateKind) -> State { State(name: name(stateName), kind: kind, location: here) }

    static func step(
        _ stateName: String, _ step: String, with arguments: [String: ValueTemplate] = [:], save: String? = nil,
        key: ValueTemplate? = nil, retry: RetryPolicy? = nil, catches: [(ErrorClass?, String)] = [],
        timeout: String? = nil, next: String?
    ) -> State {
        state(stateName, .step(StepState(
            step: name(step), arguments: arguments.sorted { $0.key < $1.key }.map { .init(name: name($0.key), value: $0.value) },
            save: save.map(name), idempotencyKey: key, retry: retry,
            catches: catches.map { CatchClause(errors: $0.0.map { [Located($0, at: here)] } ?? [], next: name($0.1),
                                               save: name("error"), location: here) },
            propagates: [], timeout: timeout.map { lit(.string($0)) }, next: next.map(name))))
    }

    static func retry(
        _ attempts: Int, initial: String = "5s", factor: Double = 2, maxDelay: String = "1m",
        jitter: RetryPolicy.Jitter = .none, budget: String? = nil, on: [ErrorClass] = [],
        onExhausted: RetryPolicy.Exhausted? = nil
    ) -> RetryPolicy {
        RetryPolicy(maxAttempts: lit(.number(Double(attempts))), initial: lit(.string(initial)), factor: lit(.number(factor)),
                    maxDelay: lit(.string(maxDelay)), jitter: Located(jitter, at: here), budget: budget.map { lit(.string($0)) },
                    on: on.map { Located($0, at: here) }, onExhausted: onExhausted.map { Located($0, at: here) },
                    location: here)
    }

    static func succeed(_ stateName: String, _ output: ValueTemplate? = nil) -> State {
        state(stateName, .succeed(SucceedState(output: output)))
    }

    static func fail(_ stateName: String, _ error: String) -> State {
        state(stateName, .fail(FailState(error: name(error), message: lit(.string("failed on purpose")))))
    }

    static func wait(_ stateName: String, _ condition: WaitState.Condition, window: SendWindowSpec? = nil, next: String) -> State {
        state(stateName, .wait(WaitState(condition: condition, window: window, next: name(next))))
    }
}

/// Applies events one after another from a start, keeping every transition.
struct Run {
    let interpreter: Interpreter
    var state: InstanceState
    var transitions: [Transition] = []

    init(_ flow: Flow, input: Value = [:], settings: Value = [:], at now: Instant) {
        interpreter = Interpreter(flow: flow)
        let first = interpreter.start(instanceID: "i", input: input, settings: settings, agency: "acme", at: now)
        state = first.state
        transitions = [first]
    }

    mutating func apply(_ event: InterpreterEvent, at now: Instant) {
        let next = interpreter.apply(event, to: state, at: now)
        state = next.state
        transitions.append(next)
    }

    var last: [String] { transitions.last.map { summary($0.actions) } ?? [] }
}

/// One line per action, without timeline notes unless they are deferrals or retries.
func summary(_ actions: [InterpreterAction]) -> [String] {
    actions.compactMap { action in
        switch action {
        case .callStep(let call):
            "call \(call.step) #\(call.attempt) \(call.callID) key=\(call.idempotencyKey ?? "-")"
                + (call.deadline.map { " deadline=\($0)" } ?? "")
        case .setTimer(let id, let at): "timer \(id) \(at)"
        case .cancelTimer(let id): "cancel \(id)"
        case .requestApproval(let id, _, _, let expiresAt): "approval \(id) expires=\(expiresAt.map(\.description) ?? "-")"
        case .escalateApproval(let id, let approvers): "escalate \(id) \(approvers.jsonText)"
        case .complete(let output): "complete \(output.jsonText)"
        case .fail(let error): "fail \(error.errorClass.rawValue)"
        case .emit(let note):
            switch note.kind {
            case .deferred: "deferred \(note.details["from"]?.jsonText ?? "") -> \(note.details["to"]?.jsonText ?? "")"
            case .caught: "caught \(note.details["next"]?.stringValue ?? "")"
            case .stepPaused: "paused #\(note.details["attempt"]?.intValue ?? 0) \(note.details["error"]?["code"]?.stringValue ?? "")"
            case .resumed: "resumed \(note.details["action"]?.stringValue ?? "") by \(note.details["by"]?.stringValue ?? "-")"
            default: nil
            }
        }
    }
}

extension Instant {
    static func at(_ text: String) -> Instant { Instant(iso8601: text)! }
}
