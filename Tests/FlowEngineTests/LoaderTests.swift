import Foundation
import Testing

@testable import FlowEngine

/// Locations of nodes and expressions as the loader reads them.
struct LoaderTests {
    static let document = """
        flow: demo
        version: 2
        start: greet
        states:
          greet:
            step: alert.raise
            with:
              code: ${{ input.code }}
              message: "Hola ${{ input.name }} y ${{input.other}}"
              plain: texto ${{ vars.x }} fin
            next: done
          done:
            succeed: true
        """

    func load(_ text: String) -> (Flow?, [Diagnostic]) {
        FlowLoader.load(SourceFile(path: "t.yaml", text: text))
    }

    @Test func readsHeaderAndStateLocations() throws {
        let (flow, diagnostics) = load(Self.document)
        #expect(diagnostics.isEmpty)
        let loaded = try #require(flow)
        #expect(loaded.name.value == "demo")
        #expect(loaded.name.location == SourceLocation(file: "t.yaml", line: 1, column: 7))
        #expect(loaded.version.value == 2)
        #expect(loaded.graph.start.location.line == 3)
        let greet = try #require(loaded.graph.state(named: "greet"))
        #expect(greet.name.location == SourceLocation(file: "t.yaml", line: 5, column: 3))
        guard case .step(let step) = greet.kind else { Issue.record("not a step"); return }
        #expect(step.step.location == SourceLocation(file: "t.yaml", line: 6, column: 11))
        #expect(step.next?.location == SourceLocation(file: "t.yaml", line: 11, column: 11))
    }

    @Test(arguments: [
        ("code", [(8, 17, "input.code")]),
        ("message", [(9, 26, "input.name"), (9, 45, "input.other")]),
        ("plain", [(10, 24, "vars.x")]),
    ])
    func locatesExpressions(_ argument: String, _ expected: [(Int, Int, String)]) throws {
        let flow = try #require(load(Self.document).0)
        guard case .step(let step) = flow.graph.states[0].kind else { Issue.record("not a step"); return }
        let template = try #require(step.argument(named: argument)?.value)
        let found = template.expressions.map { ($0.location.line, $0.location.column, $0.text) }
        #expect(found.count == expected.count)
        for (a, b) in zip(found, expected) { #expect(a == b) }
    }

    @Test func wholeValueExpressionKeepsItsKind() throws {
        let flow = try #require(load(Self.document).0)
        guard case .step(let step) = flow.graph.states[0].kind else { Issue.record("not a step"); return }
        guard case .expression = step.argument(named: "code")?.value else { Issue.record("code is not an expression"); return }
        guard case .interpolation(let parts, _) = step.argument(named: "message")?.value else {
            Issue.record("message is not an interpolation")
            return
        }
        #expect(parts.count == 4)
    }

    @Test(arguments: [
        ("1", Value.number(1)), ("2.5", .number(2.5)), ("true", .bool(true)), ("~", .null), ("null", .null),
        ("'1'", .string("1")), ("24h", .string("24h")), ("0x10", .number(16)), ("-3", .number(-3)), ("1e3", .number(1000)),
    ])
    func plainScalarsKeepYAMLTypes(_ text: String, _ value: Value) throws {
        let (flow, _) = load("flow: d\nversion: 1\nstart: a\nstates:\n  a:\n    succeed: { output: \(text) }\n")
        guard case .succeed(let succeed) = try #require(flow).graph.states[0].kind else { Issue.record("kind"); return }
        #expect(succeed.output?.literalValue == value)
    }

    @Test func reportsEveryProblemAtOnce() {
        let text = "flow: d\nversion: x\nstrat: a\nstates:\n  a:\n    stepp: x\n  b:\n    wait: { for: 1h, until: now }\n"
        let (_, diagnostics) = load(text)
        let codes = Set(diagnostics.map(\.code.rawValue))
        #expect(codes.isSuperset(of: ["Y003", "Y004", "Y005", "Y009"]))
        #expect(diagnostics.allSatisfy { $0.location.line >= 1 })
    }

    @Test func unterminatedExpressionIsLocated() {
        let (_, diagnostics) = load("flow: d\nversion: 1\nstart: a\nstates:\n  a:\n    set: { x: \"a ${{ b\" }\n    next: a\n")
        #expect(diagnostics.contains { $0.code == .expressionSyntax && $0.location.line == 6 && $0.location.column == 18 })
    }
}
