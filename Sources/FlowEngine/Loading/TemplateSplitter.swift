/// Splits a string scalar into text and `${{ … }}` parts, locating each expression's first
/// character exactly in the source (the opener is found in the document text itself, so quotes,
/// escapes before it and block scalars do not shift the column).
struct TemplateSplitter {
    let reader: NodeReader

    func split(_ text: String, at location: SourceLocation) -> ValueTemplate {
        var parts: [ValueTemplate.Part] = []
        var rest = Substring(text)
        var searchFrom = location
        var pendingText = ""
        while let open = rest.range(of: "${{") {
            pendingText += rest[..<open.lowerBound]
            let opener = reader.nextOpener(from: searchFrom) ?? location
            searchFrom = opener.advanced(byColumns: 3)
            let body = rest[open.upperBound...]
            guard let close = body.range(of: "}}") else {
                reader.error(.expressionSyntax, "unterminated expression: '${{' without '}}'", at: opener)
                pendingText += rest[open.lowerBound...]
                rest = rest[rest.endIndex...]
                break
            }
            let raw = body[..<close.lowerBound]
            let leading = raw.unicodeScalars.prefix { $0 == " " || $0 == "\t" || $0 == "\n" }.count
            let trimmed = String(raw.unicodeScalars.dropFirst(leading)).trimmingTrailingSpaces()
            if !pendingText.isEmpty {
                parts.append(.text(pendingText))
                pendingText = ""
            }
            parts.append(.expression(ExpressionSource(trimmed, at: opener.advanced(byColumns: 3 + leading))))
            rest = body[close.upperBound...]
        }
        pendingText += rest
        if !pendingText.isEmpty { parts.append(.text(pendingText)) }
        if parts.count == 1, case .expression(let expression) = parts[0] { return .expression(expression) }
        if parts.allSatisfy({ if case .text = $0 { true } else { false } }) { return .literal(.string(text), location) }
        return .interpolation(parts, location)
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var scalars = Substring(self).unicodeScalars[...]
        while let last = scalars.last, last == " " || last == "\t" || last == "\n" { scalars = scalars.dropLast() }
        return String(String.UnicodeScalarView(scalars))
    }
}
