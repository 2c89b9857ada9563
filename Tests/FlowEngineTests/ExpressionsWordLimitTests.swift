import Testing

@testable import FlowEngine

@Suite("limit_words")
struct ExpressionsWordLimitTests {
    static func evaluate(_ text: String, _ bindings: [String: Value] = [:]) throws -> Value {
        try ExpressionEvaluation.evaluate(
            ExpressionSource(text, at: .unknown()), in: EvaluationContext(bindings: bindings))
    }

    static let cases: [(text: String, limit: Int, expected: String)] = [
        ("Llevá abrigo, paraguas y calzado cómodo", 3, "Llevá abrigo, paraguas…"),
        ("Llevá abrigo, paraguas y calzado cómodo", 2, "Llevá abrigo…"),
        ("Llevá abrigo, paraguas y calzado cómodo", 6, "Llevá abrigo, paraguas y calzado cómodo"),
        ("Llevá abrigo, paraguas y calzado cómodo", 90, "Llevá abrigo, paraguas y calzado cómodo"),
        ("  uno   dos\n\ntres cuatro ", 3, "  uno   dos\n\ntres…"),
        ("uno dos — tres", 3, "uno dos…"),
        ("palabra", 1, "palabra"),
        ("", 5, ""),
        ("uno: dos", 1, "uno…"),
    ]

    @Test("cuts at a word boundary with an ellipsis", arguments: cases)
    func cuts(text: String, limit: Int, expected: String) throws {
        let value = try Self.evaluate("limit_words(t, n)", ["t": .string(text), "n": .number(Double(limit))])
        #expect(value == .string(expected))
    }

    @Test("the result never has more words than the limit", arguments: [1, 5, 17, 90])
    func boundedWords(limit: Int) throws {
        let long = (1...200).map { "palabra\($0)," }.joined(separator: " ")
        let value = try Self.evaluate("limit_words(t, n)", ["t": .string(long), "n": .number(Double(limit))])
        let words = value.stringValue?.split(whereSeparator: \.isWhitespace) ?? []
        #expect(words.count == limit)
        #expect(value.stringValue?.hasSuffix("palabra\(limit)…") == true)
    }

    @Test("null text is null")
    func nullText() throws {
        #expect(try Self.evaluate("limit_words(null, 3)") == .null)
    }

    @Test("a limit below 1 or not whole, or text that is not a string, is an error naming the function",
          arguments: ["limit_words('a b', 0)", "limit_words('a b', 1.5)", "limit_words(5, 2)", "limit_words('a', 'b')"])
    func badArguments(_ text: String) {
        #expect {
            try Self.evaluate(text)
        } throws: { error in
            (error as? EvaluationError)?.message.hasPrefix("limit_words:") == true
        }
    }
}
