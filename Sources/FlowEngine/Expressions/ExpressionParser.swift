/// A syntax error found while parsing: message and scalar offset in the expression text.
struct SyntaxError: Sendable, Hashable {
    var message: String
    var offset: Int
}

/// The outcome of parsing one expression text: a tree (with `.invalid` holes where parts did
/// not parse) and every syntax error, in text order.
struct ParsedExpression: Sendable {
    var expression: Expression
    var errors: [SyntaxError]
}

/// Recursive-descent parser with error recovery: it reports several syntax errors in one pass,
/// never traps, and bounds nesting depth so hostile input cannot exhaust the stack.
///
/// Precedence, lowest first: `c ? a : b`, `??`, `||`, `&&`, `== !=`, `< <= > >=`, `+ -`,
/// `* / %`, unary `! -`, postfix `.name` `[i]` `(args)`.
struct ExpressionParser {
    static let maximumDepth = 128

    private let tokens: [Token]
    private var position = 0
    private var errors: [SyntaxError] = []
    private var depth = 0

    private init(_ text: String) {
        tokens = Lexer.tokens(of: text)
    }

    static func parse(_ text: String) -> ParsedExpression {
        var parser = ExpressionParser(text)
        if parser.current.kind == .end {
            return ParsedExpression(
                expression: .invalid(offset: 0), errors: [SyntaxError(message: "empty expression", offset: 0)])
        }
        let expression = parser.parseExpression()
        // Recovery at the top: report the stray token, skip it, and keep checking what follows.
        while parser.current.kind != .end {
            parser.fail("unexpected \(parser.current.display) after the end of the expression")
            parser.advance()
            if parser.current.kind != .end { _ = parser.parseExpression() }
        }
        return ParsedExpression(expression: expression, errors: parser.errors)
    }

    // MARK: Token access

    private var current: Token { tokens[position] }

    private mutating func advance() {
        if position < tokens.count - 1 { position += 1 }
    }

    private mutating func match(_ kind: Token.Kind) -> Bool {
        guard current.kind == kind else { return false }
        advance()
        return true
    }

    private mutating func fail(_ message: String, at offset: Int? = nil) {
        let where_ = offset ?? current.offset
        // One error per position: recovery must not pile up echoes of the same mistake.
        if errors.last?.offset == where_ { return }
        if case .invalid(let reason) = current.kind, offset == nil {
            errors.append(SyntaxError(message: reason, offset: where_))
        } else {
            errors.append(SyntaxError(message: message, offset: where_))
        }
    }

    /// Whether the current token ends an expression (so recovery stops before it).
    private var atBoundary: Bool {
        switch current.kind {
        case .comma, .rightParen, .rightBracket, .rightBrace, .colon, .end: true
        default: false
        }
    }

    // MARK: Grammar

    private mutating func parseExpression() -> Expression {
        nested { $0.parseConditional() }
    }

    private mutating func parseConditional() -> Expression {
        let condition = parseBinary(level: 0)
        guard current.kind == .question else { return condition }
        let offset = current.offset
        advance()
        let whenTrue = parseExpression()
        guard match(.colon) else {
            fail("expected ':' in the conditional, found \(current.display)")
            return .conditional(condition, whenTrue, .invalid(offset: current.offset), offset: offset)
        }
        let whenFalse = parseExpression()
        return .conditional(condition, whenTrue, whenFalse, offset: offset)
    }

    private static let levels: [[(Token.Kind, Expression.BinaryOperator)]] = [
        [(.questionQuestion, .coalesce)],
        [(.pipePipe, .or)],
        [(.ampAmp, .and)],
        [(.equalEqual, .equal), (.bangEqual, .notEqual)],
        [(.less, .less), (.lessEqual, .lessEqual), (.greater, .greater), (.greaterEqual, .greaterEqual)],
        [(.plus, .add), (.minus, .subtract)],
        [(.star, .multiply), (.slash, .divide), (.percent, .remainder)],
    ]

    private mutating func parseBinary(level: Int) -> Expression {
        guard level < Self.levels.count else { return parseUnary() }
        var left = parseBinary(level: level + 1)
        while let op = Self.levels[level].first(where: { $0.0 == current.kind })?.1 {
            let offset = current.offset
            advance()
            let right = parseBinary(level: level + 1)
            left = .binary(op, left, right, offset: offset)
        }
        return left
    }

    private mutating func parseUnary() -> Expression {
        let offset = current.offset
        if match(.bang) { return .unary(.not, nested { $0.parseUnary() }, offset: offset) }
        if match(.minus) { return .unary(.negate, nested { $0.parseUnary() }, offset: offset) }
        return parsePostfix()
    }

    private mutating func nested(_ body: (inout ExpressionParser) -> Expression) -> Expression {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maximumDepth else {
            fail("expression nests more than \(Self.maximumDepth) levels deep")
            while current.kind != .end { advance() }
            return .invalid(offset: current.offset)
        }
        return body(&self)
    }

    private mutating func parsePostfix() -> Expression {
        var base = parsePrimary()
        while true {
            switch current.kind {
            case .dot:
                advance()
                if case .identifier(let field) = current.kind {
                    base = .member(base, field, offset: current.offset)
                    advance()
                } else if let keyword = keywordText(current.kind) {
                    base = .member(base, keyword, offset: current.offset)
                    advance()
                } else {
                    fail("expected a field name after '.', found \(current.display)")
                    return base
                }
            case .leftBracket:
                let offset = current.offset
                advance()
                let index = parseExpression()
                if !match(.rightBracket) {
                    fail("expected ']' to close the index, found \(current.display)")
                    skipToBoundary()
                    _ = match(.rightBracket)
                }
                base = .index(base, index, offset: offset)
            case .leftParen:
                fail("only named functions can be called")
                advance()
                _ = parseArguments(closing: .rightParen)
            default:
                return base
            }
        }
    }

    private func keywordText(_ kind: Token.Kind) -> String? {
        switch kind {
        case .keywordTrue: "true"
        case .keywordFalse: "false"
        case .keywordNull: "null"
        default: nil
        }
    }

    private mutating func parsePrimary() -> Expression {
        let token = current
        switch token.kind {
        case .number(let n):
            advance()
            return .literal(.number(n), offset: token.offset)
        case .string(let s):
            advance()
            return .literal(.string(s), offset: token.offset)
        case .duration(let d):
            advance()
            return .literal(.duration(d), offset: token.offset)
        case .keywordTrue:
            advance()
            return .literal(.bool(true), offset: token.offset)
        case .keywordFalse:
            advance()
            return .literal(.bool(false), offset: token.offset)
        case .keywordNull:
            advance()
            return .literal(.null, offset: token.offset)
        case .identifier(let name):
            advance()
            if match(.leftParen) {
                return .call(name, parseArguments(closing: .rightParen), offset: token.offset)
            }
            return .name(name, offset: token.offset)
        case .leftParen:
            advance()
            let inner = parseExpression()
            if !match(.rightParen) {
                fail("expected ')' to close the parenthesis, found \(current.display)")
                skipToBoundary()
                _ = match(.rightParen)
            }
            return inner
        case .leftBracket:
            advance()
            return .list(parseArguments(closing: .rightBracket), offset: token.offset)
        case .leftBrace:
            advance()
            return .object(parseMembers(), offset: token.offset)
        default:
            fail("expected a value, found \(token.display)")
            if !atBoundary { advance() }
            return .invalid(offset: token.offset)
        }
    }

    /// Comma-separated expressions up to `closing` (already past the opener).
    private mutating func parseArguments(closing: Token.Kind) -> [Expression] {
        var items: [Expression] = []
        if match(closing) { return items }
        while true {
            let before = position
            items.append(parseExpression())
            if match(closing) { return items }
            if match(.comma) {
                if match(closing) { return items }  // trailing comma
                continue
            }
            fail("expected ',' or \(Token(kind: closing, offset: 0, length: 0).display), found \(current.display)")
            skipToBoundary()
            if match(closing) { return items }
            if current.kind == .end || (position == before && !match(.comma)) { return items }
            _ = match(.comma)
        }
    }

    private mutating func parseMembers() -> [Expression.ObjectMember] {
        var members: [Expression.ObjectMember] = []
        if match(.rightBrace) { return members }
        while current.kind != .end {
            let key: String
            switch current.kind {
            case .identifier(let name): key = name
            case .string(let s): key = s
            default:
                if let keyword = keywordText(current.kind) {
                    key = keyword
                } else {
                    fail("expected a key (name or quoted string), found \(current.display)")
                    skipToBoundary()
                    if match(.comma) { continue }
                    _ = match(.rightBrace)
                    return members
                }
            }
            advance()
            guard match(.colon) else {
                fail("expected ':' after the key '\(key)', found \(current.display)")
                skipToBoundary()
                if match(.comma) { continue }
                _ = match(.rightBrace)
                return members
            }
            members.append(Expression.ObjectMember(key: key, value: parseExpression()))
            if match(.rightBrace) { return members }
            if match(.comma) {
                if match(.rightBrace) { return members }
                continue
            }
            fail("expected ',' or '}', found \(current.display)")
            skipToBoundary()
            if match(.comma) { continue }
            _ = match(.rightBrace)
            return members
        }
        fail("expected '}' to close the object")
        return members
    }

    /// Skips tokens up to the next `,`, closer, `:` or the end, keeping bracket nesting balanced.
    private mutating func skipToBoundary() {
        var nesting = 0
        while current.kind != .end {
            switch current.kind {
            case .leftParen, .leftBracket, .leftBrace: nesting += 1
            case .rightParen, .rightBracket, .rightBrace:
                if nesting == 0 { return }
                nesting -= 1
            case .comma, .colon:
                if nesting == 0 { return }
            default: break
            }
            advance()
        }
    }
}
