/// One lexical token of an expression. `offset` counts Unicode scalars from the expression's
/// first character, so a token's document column is `source.location.column + offset`.
struct Token: Sendable, Hashable {
    enum Kind: Sendable, Hashable {
        case number(Double)
        case string(String)
        case duration(TimeSpan)
        case identifier(String)
        case keywordTrue, keywordFalse, keywordNull
        case leftParen, rightParen, leftBracket, rightBracket, leftBrace, rightBrace
        case comma, colon, dot, question, questionQuestion
        case bang, bangEqual, equalEqual, less, lessEqual, greater, greaterEqual
        case plus, minus, star, slash, percent, ampAmp, pipePipe
        /// A character sequence the lexer cannot read; the text says why.
        case invalid(String)
        case end
    }

    var kind: Kind
    var offset: Int
    var length: Int

    /// How the token reads in an error message.
    var display: String {
        switch kind {
        case .number(let n): "number \(Value.format(number: n))"
        case .string: "string literal"
        case .duration(let d): "duration \(d)"
        case .identifier(let name): "'\(name)'"
        case .keywordTrue: "'true'"
        case .keywordFalse: "'false'"
        case .keywordNull: "'null'"
        case .leftParen: "'('"
        case .rightParen: "')'"
        case .leftBracket: "'['"
        case .rightBracket: "']'"
        case .leftBrace: "'{'"
        case .rightBrace: "'}'"
        case .comma: "','"
        case .colon: "':'"
        case .dot: "'.'"
        case .question: "'?'"
        case .questionQuestion: "'??'"
        case .bang: "'!'"
        case .bangEqual: "'!='"
        case .equalEqual: "'=='"
        case .less: "'<'"
        case .lessEqual: "'<='"
        case .greater: "'>'"
        case .greaterEqual: "'>='"
        case .plus: "'+'"
        case .minus: "'-'"
        case .star: "'*'"
        case .slash: "'/'"
        case .percent: "'%'"
        case .ampAmp: "'&&'"
        case .pipePipe: "'||'"
        case .invalid: "invalid input"
        case .end: "end of expression"
        }
    }
}
