import Testing

@testable import FlowEngine

@Suite("Expression lexer")
struct ExpressionsLexerTests {
    @Test(
        "single tokens",
        arguments: [
            ("42", Token.Kind.number(42)),
            ("3.25", .number(3.25)),
            ("1e3", .number(1000)),
            ("'it\\'s'", .string("it's")),
            ("\"a\\nb\"", .string("a\nb")),
            ("'\\u00e9'", .string("é")),
            ("15m", .duration(.minutes(15))),
            ("1h30m", .duration(.minutes(90))),
            ("500ms", .duration(TimeSpan(milliseconds: 500))),
            ("input", .identifier("input")),
            ("_x1", .identifier("_x1")),
            ("true", .keywordTrue),
            ("null", .keywordNull),
            ("??", .questionQuestion),
            ("!=", .bangEqual),
            ("<=", .lessEqual),
            ("&&", .ampAmp),
            ("||", .pipePipe),
        ])
    func singleToken(text: String, kind: Token.Kind) {
        let tokens = Lexer.tokens(of: text)
        #expect(tokens.count == 2)
        #expect(tokens[0].kind == kind)
        #expect(tokens[1].kind == .end)
    }

    @Test("offsets count Unicode scalars")
    func offsets() {
        let tokens = Lexer.tokens(of: "'ñandú' + x")
        #expect(tokens.map(\.offset) == [0, 8, 10, 11])
    }

    @Test(
        "bad input becomes an invalid token with a reason",
        arguments: [
            ("a = b", "'='"), ("a & b", "'&&'"), ("'open", "not closed"), ("12q", "neither a number"),
            ("'\\q'", "unknown escape"), ("#", "unexpected character"),
        ])
    func invalid(text: String, reasonFragment: String) {
        let reasons = Lexer.tokens(of: text).compactMap { token -> String? in
            if case .invalid(let reason) = token.kind { return reason }
            return nil
        }
        #expect(reasons.count == 1)
        #expect(reasons.first?.contains(reasonFragment) == true)
    }
}
