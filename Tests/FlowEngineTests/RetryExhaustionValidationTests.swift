import Testing

@testable import FlowEngine

/// What the loader and validator say about `retry.on_exhausted`: `fail` (the default) or `pause`,
/// and a side-effecting step that may be resumed needs an `idempotency_key` (F106).
struct RetryExhaustionValidationTests {
    static func flow(retry: String, key: Bool) -> SourceFile {
        var lines = [
            "flow: demo", "version: 1", "start: send", "states:", "  send:", "    step: twilio.send_text",
            "    with: { to: \"+5491155550000\", body: hola }",
        ]
        if key { lines.append("    idempotency_key: demo/hola") }
        lines += [
            "    retry: \(retry)",
            "    catch: [ { errors: [permanent, transient], next: done } ]",
            "    next: done", "  done:", "    succeed: true",
        ]
        return SourceFile(path: "demo.yaml", text: lines.joined(separator: "\n") + "\n")
    }

    static func errors(_ file: SourceFile) -> [String] {
        FlowValidator(catalogue: .standard).validate(file).diagnostics.filter { $0.severity == .error }
            .map { "\($0.code.rawValue) \($0.message)" }
    }

    @Test func pauseAndFailAreRead() throws {
        for (text, expected) in [("pause", RetryPolicy.Exhausted.pause), ("fail", .fail)] {
            let (flow, diagnostics) = FlowLoader.load(Self.flow(
                retry: "{ max_attempts: 3, on: [transient], on_exhausted: \(text) }", key: true))
            #expect(diagnostics.isEmpty, "\(diagnostics)")
            guard case .step(let step)? = flow?.graph.state(named: "send")?.kind else {
                Issue.record("no step state")
                return
            }
            #expect(step.retry?.exhausted == expected)
        }
    }

    @Test func theDefaultIsFail() throws {
        let (flow, _) = FlowLoader.load(Self.flow(retry: "{ max_attempts: 3 }", key: true))
        guard case .step(let step)? = flow?.graph.state(named: "send")?.kind else {
            Issue.record("no step state")
            return
        }
        #expect(step.retry?.onExhausted == nil)
        #expect(step.retry?.exhausted == .fail)
    }

    @Test func anotherValueIsAnErrorThatSuggestsTheNearest() {
        let errors = Self.errors(Self.flow(retry: "{ max_attempts: 3, on_exhausted: paused }", key: true))
        #expect(errors.contains { $0.contains("on_exhausted must be one of fail, pause, found 'paused'; did you mean 'pause'?") },
                "\(errors)")
    }

    @Test func aResumableSideEffectNeedsAnIdempotencyKeyEvenWithOneAttempt() {
        #expect(Self.errors(Self.flow(retry: "{ max_attempts: 1, on_exhausted: pause }", key: false))
            .contains { $0.hasPrefix("F106") })
        #expect(!Self.errors(Self.flow(retry: "{ max_attempts: 1, on_exhausted: fail }", key: false))
            .contains { $0.hasPrefix("F106") })
        #expect(Self.errors(Self.flow(retry: "{ max_attempts: 1, on_exhausted: pause }", key: true)).isEmpty)
    }
}
