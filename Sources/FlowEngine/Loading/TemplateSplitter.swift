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
        // Openers, closers and the whitespace trimmed around a body are ASCII, so the text is
        // cut on its UTF-8 bytes; a cut never falls inside a multi-byte character.
        var utf8 = text
        return utf8.withUTF8 { bytes in split(bytes, text, at: location) }
    }

    private func split(_ bytes: UnsafeBufferPointer<UInt8>, _ text: String, at location: SourceLocation)
        -> ValueTemplate
    {
        let dollar = UInt8(ascii: "$"), open = UInt8(ascii: "{"), close = UInt8(ascii: "}")
        var parts: [ValueTemplate.Part] = []
        var searchFrom = location
        var pending = ""
        var i = 0
        func find(_ a: UInt8, _ b: UInt8, _ c: UInt8?, from start: Int) -> Int? {
            var j = start
            while j + (c == nil ? 1 : 2) < bytes.count {
                if bytes[j] == a, bytes[j + 1] == b, c == nil || bytes[j + 2] == c! { return j }
                j += 1
            }
            return nil
        }
        func string(_ range: Range<Int>) -> String {
            String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
        }
        func isSpace(_ byte: UInt8) -> Bool {
            byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n")
        }
        while let opening = find(dollar, open, open, from: i) {
            pending += string(i..<opening)
            let opener = reader.nextOpener(from: searchFrom) ?? location
            searchFrom = opener.advanced(byColumns: 3)
            guard let closing = find(close, close, nil, from: opening + 3) else {
                reader.error(.expressionSyntax, "unterminated expression: '${{' without '}}'", at: opener)
                pending += string(opening..<bytes.count)
                i = bytes.count
                break
            }
            var start = opening + 3
            while start < closing, isSpace(bytes[start]) { start += 1 }
            let leading = start - (opening + 3)
            var end = closing
            while end > start, isSpace(bytes[end - 1]) { end -= 1 }
            if !pending.isEmpty {
                parts.append(.text(pending))
                pending = ""
            }
            parts.append(.expression(ExpressionSource(string(start..<end), at: opener.advanced(byColumns: 3 + leading))))
            i = closing + 2
        }
        if i < bytes.count { pending += string(i..<bytes.count) }
        if !pending.isEmpty { parts.append(.text(pending)) }
        if parts.count == 1, case .expression(let expression) = parts[0] { return .expression(expression) }
        if parts.allSatisfy({ if case .text = $0 { true } else { false } }) { return .literal(.string(text), location) }
        return .interpolation(parts, location)
    }
}
