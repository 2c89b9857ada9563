/// Splits a string scalar into text and `${{ … }}` parts, locating each expression's first
/// character exactly in the source (the opener is found in the document text itself, so quotes,
/// escapes before it and block scalars do not shift the column).
struct TemplateSplitter {
    let reader: NodeReader

    /// Whether a scalar holds an expression opener, without Foundation.
    static func hasOpener(_ text: String) -> Bool {
        var utf8 = text.utf8.makeIterator()
        var previous: (UInt8, UInt8) = (0, 0)
        while let byte = utf8.next() {
            if byte == UInt8(ascii: "{"), previous == (UInt8(ascii: "$"), UInt8(ascii: "{")) { return true }
            previous = (previous.1, byte)
        }
        return false
    }

    func split(_ text: String, at location: SourceLocation) -> ValueTemplate {
        let scalars = Array(text.unicodeScalars)
        var parts: [ValueTemplate.Part] = []
        var searchFrom = location
        var pending: [Unicode.Scalar] = []
        var i = 0
        func find(_ a: Unicode.Scalar, _ b: Unicode.Scalar, _ c: Unicode.Scalar?, from start: Int) -> Int? {
            var j = start
            while j + (c == nil ? 1 : 2) < scalars.count {
                if scalars[j] == a, scalars[j + 1] == b, c == nil || scalars[j + 2] == c! { return j }
                j += 1
            }
            return nil
        }
        while let open = find("$", "{", "{", from: i) {
            pending += scalars[i..<open]
            let opener = reader.nextOpener(from: searchFrom) ?? location
            searchFrom = opener.advanced(byColumns: 3)
            guard let close = find("}", "}", nil, from: open + 3) else {
                reader.error(.expressionSyntax, "unterminated expression: '${{' without '}}'", at: opener)
                pending += scalars[open...]
                i = scalars.count
                break
            }
            var body = scalars[(open + 3)..<close]
            let leading = body.prefix { $0 == " " || $0 == "\t" || $0 == "\n" }.count
            body = body.dropFirst(leading)
            while let last = body.last, last == " " || last == "\t" || last == "\n" { body = body.dropLast() }
            if !pending.isEmpty {
                parts.append(.text(Self.string(pending[...])))
                pending = []
            }
            parts.append(.expression(ExpressionSource(Self.string(body), at: opener.advanced(byColumns: 3 + leading))))
            i = close + 2
        }
        if i < scalars.count { pending += scalars[i...] }
        if !pending.isEmpty { parts.append(.text(Self.string(pending[...]))) }
        if parts.count == 1, case .expression(let expression) = parts[0] { return .expression(expression) }
        if parts.allSatisfy({ if case .text = $0 { true } else { false } }) { return .literal(.string(text), location) }
        return .interpolation(parts, location)
    }

    static func string(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
        var out = String.UnicodeScalarView()
        out.append(contentsOf: scalars)
        return String(out)
    }
}
