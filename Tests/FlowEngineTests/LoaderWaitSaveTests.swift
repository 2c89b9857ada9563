import Testing

@testable import FlowEngine

/// A wait's `save:`: a timed wait (`for`/`until`) keeps it; an event wait must use `event.save`.
struct LoaderWaitSaveTests {
    func load(_ text: String) -> (Flow?, [Diagnostic]) {
        FlowLoader.load(SourceFile(path: "w.yaml", text: text))
    }

    func document(wait: String) -> String {
        """
        flow: demo
        version: 1
        start: pause
        states:
          pause:
            wait:
        \(wait)
            next: done
          done:
            succeed: true
        """
    }

    @Test(arguments: [
        ("      for: 15m\n      save: woke", 8),
        ("      until: ${{ input.due }}\n      save: woke", 8),
        ("      for: 0s\n      window: { quiet: \"20:00-09:00\", zone: Europe/London }\n      save: woke", 9),
    ])
    func timedWaitKeepsItsSave(_ wait: String, _ line: Int) throws {
        let (flow, diagnostics) = load(document(wait: wait))
        #expect(diagnostics.filter { $0.severity == .error }.isEmpty, "\(diagnostics)")
        let loaded = try #require(flow)
        let state = try #require(loaded.graph.state(named: "pause"))
        guard case .wait(let wait) = state.kind else {
            Issue.record("not a wait")
            return
        }
        #expect(wait.save?.value == "woke")
        #expect(wait.save?.location == SourceLocation(file: "w.yaml", line: line, column: 13))
    }

    @Test func eventWaitRejectsTopLevelSave() throws {
        let wait = "      event: { name: flight.updated, timeout: 1h }\n      save: woke"
        let (_, diagnostics) = load(document(wait: wait))
        let conflicting = diagnostics.filter { $0.code == DiagnosticCode.conflictingKeys }
        #expect(conflicting.count == 1)
        let diagnostic = try #require(conflicting.first)
        #expect(diagnostic.code.rawValue == "Y009")
        #expect(diagnostic.severity == .error)
        #expect(diagnostic.message.contains("event.save"))
        #expect(diagnostic.location == SourceLocation(file: "w.yaml", line: 8, column: 13))
    }

    @Test func eventWaitSavesThroughEventSave() throws {
        let wait = "      event: { name: flight.updated, timeout: 1h, save: update }"
        let (flow, diagnostics) = load(document(wait: wait))
        #expect(diagnostics.filter { $0.code == DiagnosticCode.conflictingKeys }.isEmpty)
        let loaded = try #require(flow)
        let state = try #require(loaded.graph.state(named: "pause"))
        guard case .wait(let wait) = state.kind, case .event(let event) = wait.condition else {
            Issue.record("not an event wait")
            return
        }
        #expect(wait.save == nil)
        #expect(event.save?.value == "update")
    }
}
