/// Splits expression text into tokens. Never fails: unreadable input becomes an `.invalid`
/// token carrying the reason, and the parser reports it as E301.
struct Lexer {
    private let scalars: [Unicode.Scalar]
    private var index = 0

    init(_ text: String) {
        scalars = Array(text.unicodeScalars)
    }

    /// Every token, ending with `.end`.
    static func tokens(of text: String) -> [Token] {
        var lexer = Lexer(text)
        var out: [Token] = []
        while true {
            let token = lexer.next()
            out.append(token)
            if token.kind == .end { return out }
        }
    }

    private func peek(_ ahead: Int = 0) -> Unicode.Scalar? {
        index + ahead < scalars.count ? scalars[index + ahead] : nil
    }

    mutating func next() -> Token {
        while let c = peek(), c.properties.isWhitespace { index += 1 }
        let start = index
        guard let c = peek() else { return Token(kind: .end, offset: start, length: 0) }
        if Self.isDigit(c) { return number(from: start) }
        if Self.isIdentifierStart(c) { return identifier(from: start) }
        if c == "'" || c == "\"" { return string(from: start, quote: c) }
        index += 1
        let two = peek().map { String(c) + String($0) } ?? ""
        func pair(_ kind: Token.Kind) -> Token {
            index += 1
            return Token(kind: kind, offset: start, length: 2)
        }
        func single(_ kind: Token.Kind) -> Token { Token(kind: kind, offset: start, length: 1) }
        switch two {
        case "??": return pair(.questionQuestion)
        case "!=": return pair(.bangEqual)
        case "==": return pair(.equalEqual)
        case "<=": return pair(.lessEqual)
        case ">=": return pair(.greaterEqual)
        case "&&": return pair(.ampAmp)
        case "||": return pair(.pipePipe)
        default: break
        }
        switch c {
        case "(": return single(.leftParen)
        case ")": return single(.rightParen)
        case "[": return single(.leftBracket)
        case "]": return single(.rightBracket)
        case "{": return single(.leftBrace)
        case "}": return single(.rightBrace)
        case ",": return single(.comma)
        case ":": return single(.colon)
        case ".": return single(.dot)
        case "?": return single(.question)
        case "!": return single(.bang)
        case "<": return single(.less)
        case ">": return single(.greater)
        case "+": return single(.plus)
        case "-": return single(.minus)
        case "*": return single(.star)
        case "/": return single(.slash)
        case "%": return single(.percent)
        case "=": return single(.invalid("'=' is not an operator; use '==' to compare"))
        case "&": return single(.invalid("'&' is not an operator; use '&&'"))
        case "|": return single(.invalid("'|' is not an operator; use '||'"))
        default: return single(.invalid("unexpected character '\(c.escaped(asASCII: false))'"))
        }
    }

    private mutating func number(from start: Int) -> Token {
        while let c = peek(), Self.isDigit(c) { index += 1 }
        // A digit run followed by letters is a duration literal such as 15m or 1h30m.
        if let c = peek(), Self.isIdentifierStart(c) {
            while let c = peek(), Self.isDigit(c) || Self.isIdentifierPart(c) { index += 1 }
            let text = String(String.UnicodeScalarView(scalars[start..<index]))
            if let span = TimeSpan(parsing: text) {
                return Token(kind: .duration(span), offset: start, length: index - start)
            }
            return Token(
                kind: .invalid("'\(text)' is neither a number nor a duration (use 90s, 15m, 2h, 1d, 1h30m)"),
                offset: start, length: index - start)
        }
        if peek() == ".", let d = peek(1), Self.isDigit(d) {
            index += 1
            while let c = peek(), Self.isDigit(c) { index += 1 }
        }
        if let e = peek(), e == "e" || e == "E" {
            var ahead = 1
            if let s = peek(1), s == "+" || s == "-" { ahead = 2 }
            if let d = peek(ahead), Self.isDigit(d) {
                index += ahead
                while let c = peek(), Self.isDigit(c) { index += 1 }
            }
        }
        let text = String(String.UnicodeScalarView(scalars[start..<index]))
        guard let value = Double(text) else {
            return Token(kind: .invalid("'\(text)' is not a number"), offset: start, length: index - start)
        }
        return Token(kind: .number(value), offset: start, length: index - start)
    }

    private mutating func identifier(from start: Int) -> Token {
        while let c = peek(), Self.isIdentifierPart(c) { index += 1 }
        let text = String(String.UnicodeScalarView(scalars[start..<index]))
        let kind: Token.Kind =
            switch text {
            case "true": .keywordTrue
            case "false": .keywordFalse
            case "null": .keywordNull
            default: .identifier(text)
            }
        return Token(kind: kind, offset: start, length: index - start)
    }

    private mutating func string(from start: Int, quote: Unicode.Scalar) -> Token {
        index += 1
        var out = String.UnicodeScalarView()
        var problem: Token?
        while let c = peek() {
            index += 1
            if c == quote {
                return problem ?? Token(kind: .string(String(out)), offset: start, length: index - start)
            }
            guard c == "\\" else {
                out.append(c)
                continue
            }
            guard let e = peek() else { break }
            index += 1
            switch e {
            case "n": out.append("\n")
            case "t": out.append("\t")
            case "r": out.append("\r")
            case "0": out.append("\0")
            case "\\", "'", "\"", "/": out.append(e)
            case "u":
                var hex = ""
                while hex.count < 4, let h = peek(), h.properties.isASCIIHexDigit {
                    hex.unicodeScalars.append(h)
                    index += 1
                }
                if hex.count == 4, let code = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(code) {
                    out.append(scalar)
                } else if problem == nil {
                    problem = Token(
                        kind: .invalid("'\\u' needs four hex digits"), offset: index - 2 - hex.count, length: 2)
                }
            default:
                if problem == nil {
                    problem = Token(kind: .invalid("unknown escape '\\\(e)'"), offset: index - 2, length: 2)
                }
            }
        }
        return Token(kind: .invalid("string is not closed; add \(quote)"), offset: start, length: index - start)
    }

    static func isDigit(_ c: Unicode.Scalar) -> Bool { c.value >= 48 && c.value <= 57 }

    static func isIdentifierStart(_ c: Unicode.Scalar) -> Bool {
        (c.value >= 65 && c.value <= 90) || (c.value >= 97 && c.value <= 122) || c == "_"
    }

    static func isIdentifierPart(_ c: Unicode.Scalar) -> Bool { isIdentifierStart(c) || isDigit(c) }
}
