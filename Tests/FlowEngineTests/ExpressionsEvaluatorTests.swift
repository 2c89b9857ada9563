import Foundation
import Testing

@testable import FlowEngine

@Suite("Expression evaluator")
struct ExpressionsEvaluatorTests {
    static let now = Instant(iso8601: "2026-07-08T21:05:00Z")!
    static let context = EvaluationContext(bindings: [
        "now": .instant(now),
        "input": [
            "name": "Ana",
            "trip": ["origin": "LHR", "legs": [["flight": "BA245", "gate": nil], ["flight": "AR1133"]]],
            "tags": ["vip", "late", "vip"], "n": 7,
        ],
        "vars": ["flight": ["estimated_out": nil, "delay": .duration(.minutes(35))]],
    ])

    static func evaluate(_ text: String) throws(EvaluationError) -> Value {
        try ExpressionEvaluation.evaluate(
            ExpressionSource(text, at: SourceLocation(file: "f.yaml", line: 2, column: 5)), in: context)
    }

    static func instant(_ text: String) -> Value { .instant(Instant(iso8601: text)!) }

    @Test(
        "operators",
        arguments: [
            ("1 + 2 * 3", Value.number(7)),
            ("(1 + 2) * 3 - 1", 8),
            ("7 % 4", 3),
            ("10 / 4", 2.5),
            ("-input.n", -7),
            ("'a' + 'b'", "ab"),
            ("'n=' + input.n", "n=7"),
            ("now + 1h30m", instant("2026-07-08T22:35:00Z")),
            ("1h + now", instant("2026-07-08T22:05:00Z")),
            ("now - 15m", instant("2026-07-08T20:50:00Z")),
            ("now - instant('2026-07-08T20:00:00Z')", .duration(.minutes(65))),
            ("1h - 15m", .duration(.minutes(45))),
            ("15m * 3", .duration(.minutes(45))),
            ("2 * 15m", .duration(.minutes(30))),
            ("1h / 2", .duration(.minutes(30))),
            ("1h / 15m", 4),
            ("-1h", .duration(.hours(-1))),
            ("1 < 2", true),
            ("'b' >= 'a'", true),
            ("now > instant('2026-01-01T00:00:00Z')", true),
            ("90s < 2m", true),
            ("1 == '1'", false),
            ("null == null", true),
            ("[1, 2] == [1, 2]", true),
            ("!0", true),
            ("!'x'", false),
            ("1 && 'x'", true),
            ("0 || ''", false),
            ("null ?? 'x'", "x"),
            ("0 ?? 'x'", 0),
            ("input.n > 5 ? 'big' : 'small'", "big"),
            ("{a: 1, 'b': [true]}", Value.object(["a": 1, "b": [true]])),
        ])
    func operators(text: String, expected: Value) throws {
        #expect(try Self.evaluate(text) == expected)
    }

    @Test(
        "member access and index are null-safe",
        arguments: [
            ("input.trip.origin", Value.string("LHR")),
            ("input.trip.legs[1].flight", "AR1133"),
            ("input.trip.legs[-1]['flight']", "AR1133"),
            ("input.trip.legs[5].flight", nil),
            ("input.missing.deeper.still", nil),
            ("vars.flight.estimated_out", nil),
            ("vars.flight.estimated_out ?? now", instant("2026-07-08T21:05:00Z")),
            ("input.trip.legs[0].gate.number", nil),
            ("input['name'][0]", "A"),
        ])
    func nullSafety(text: String, expected: Value) throws {
        #expect(try Self.evaluate(text) == expected)
    }

    @Test("&& and || short-circuit: the right side is not evaluated")
    func shortCircuit() throws {
        #expect(try Self.evaluate("false && upper(1)") == false)
        #expect(try Self.evaluate("true || upper(1)") == true)
        #expect(try Self.evaluate("'x' ?? upper(1)") == "x")
        #expect(try Self.evaluate("true ? 1 : upper(1)") == 1)
    }

    @Test(
        "errors name the problem and the exact column",
        arguments: [
            ("upper(input.n)", "upper: argument 1 must be a string, got number", 5),
            ("1 + input.trip", "cannot apply '+' to number and object", 7),
            ("now < 5", "cannot order instant and number", 9),
            ("input.n / 0", "division by zero", 13),
            ("missing + 1", "'missing' is not defined here", 5),
            ("input.name.first", "cannot read field 'first' of a string", 16),
            ("airport('QQQ')", "airport: 'QQQ' is not a known IATA airport code", 5),
            ("to_local(now, 'Mars/Base')", "to_local: 'Mars/Base' is not an IANA time zone", 5),
            ("instant('2026-07-08T10:00:00')", "not an ISO-8601 instant with a zone", 5),
            ("1 +", "syntax error", 8),
        ])
    func errors(text: String, fragment: String, column: Int) {
        #expect {
            try Self.evaluate(text)
        } throws: { error in
            guard let error = error as? EvaluationError else { return false }
            return error.message.contains(fragment)
                && error.location == SourceLocation(file: "f.yaml", line: 2, column: column)
        }
    }

    @Test("templates: whole values keep their type, interpolation is text, lists and objects recurse")
    func templates() throws {
        let at = SourceLocation(file: "f.yaml", line: 1, column: 1)
        let whole = ValueTemplate.expression(ExpressionSource("input.n", at: at))
        #expect(try ExpressionEvaluation.evaluate(whole, in: Self.context) == 7)
        let text = ValueTemplate.interpolation(
            [
                .text("Hola "), .expression(ExpressionSource("input.name", at: at)), .text(" ("),
                .expression(ExpressionSource("input.n", at: at)), .text(") "),
                .expression(ExpressionSource("vars.flight.estimated_out", at: at)),
            ], at)
        #expect(try ExpressionEvaluation.evaluate(text, in: Self.context) == "Hola Ana (7) ")
        let nested = ValueTemplate.object(
            [
                .init(key: Located("when", at: at), value: .expression(ExpressionSource("now + 1d", at: at))),
                .init(key: Located("list", at: at), value: .list([.literal(1, at), whole], at)),
            ], at)
        #expect(
            try ExpressionEvaluation.evaluate(nested, in: Self.context)
                == ["when": Self.instant("2026-07-09T21:05:00Z"), "list": [1, 7]])
    }

    @Test("evaluation is safe from many threads at once")
    func concurrent() async throws {
        try await withThrowingTaskGroup(of: Value.self) { group in
            for i in 0..<200 {
                group.addTask { try Self.evaluate("input.n * \(i % 7) + len(input.tags)") }
            }
            var count = 0
            for try await _ in group { count += 1 }
            #expect(count == 200)
        }
    }
}
