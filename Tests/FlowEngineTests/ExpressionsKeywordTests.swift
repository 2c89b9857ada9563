import Testing

@testable import FlowEngine

@Suite("matches_keyword")
struct ExpressionsKeywordTests {
    static func evaluate(_ text: String, _ bindings: [String: Value] = [:]) throws -> Value {
        try ExpressionEvaluation.evaluate(ExpressionSource(text, at: .unknown()), in: EvaluationContext(bindings: bindings))
    }

    static let cases: [(text: String, keywords: Value, expected: Bool)] = [
        ("hi", ["hi"], true),
        ("Hi there!", ["hi"], true),
        ("Viajo a Chile mañana", ["hi"], false),
        ("¿A qué hora sale mi Vuelo?", ["vuelo"], true),
        ("VUELOS", ["vuelo"], false),
        ("Quiero información", ["informacion"], true),
        ("Quiero informacion", ["información"], true),
        ("necesito el pasaporte", "pasaporte", true),
        ("¿A QUE HORA sale?", ["a qué hora"], true),
        ("a la hora que sale", ["a qué hora"], false),
        ("hola", ["buenas", "hola"], true),
        ("holanda", ["hola"], false),
        ("el vuelo AR1662", ["ar1662"], true),
        ("señor", ["senor"], true),
        ("", ["hola"], false),
        ("hola", [], false),
    ]

    @Test("word boundaries, case and accents", arguments: cases)
    func matches(text: String, keywords: Value, expected: Bool) throws {
        let value = try Self.evaluate("matches_keyword(t, k)", ["t": .string(text), "k": keywords])
        #expect(value == .bool(expected), "\(text) ~ \(keywords.jsonText)")
    }

    @Test("null text never matches")
    func nullText() throws {
        #expect(try Self.evaluate("matches_keyword(null, ['hola'])") == false)
    }

    @Test("bad keywords are errors naming the function", arguments: [
        "matches_keyword('hola', 5)", "matches_keyword('hola', ['ok', 3])", "matches_keyword('hola', ['¿?'])",
        "matches_keyword(5, ['hola'])",
    ])
    func badKeywords(text: String) {
        #expect {
            try Self.evaluate(text)
        } throws: { error in
            (error as? EvaluationError)?.message.hasPrefix("matches_keyword:") == true
        }
    }

    @Test("the checker knows it and its arity", arguments: [
        ("matches_keyword(input.body)", ["E304"]), ("matches_keyword(input.body, ['a'], 1)", ["E304"]),
        ("matches_keyword(input.body, ['hola', 'buen día'])", []), ("matches_keywords(input.body, ['a'])", ["E303"]),
    ])
    func checked(text: String, codes: [String]) {
        let scope = ExpressionScope(roots: ["input"], inputFields: ["body"])
        let diagnostics = ExpressionChecking.check(
            ExpressionSource(text, at: SourceLocation(file: "flow.yaml", line: 1, column: 1)), in: scope)
        #expect(diagnostics.map(\.code.rawValue) == codes, "\(diagnostics)")
    }
}
