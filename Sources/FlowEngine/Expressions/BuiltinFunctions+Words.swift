extension BuiltinFunctions {
    static let wordFunctions: [BuiltinFunction] = [
        function(
            "limit_words", 2...2, "limit_words(text, n) -> string",
            "The text unchanged when it has at most n words (runs of non-space characters); otherwise its first n "
                + "words, cut at a word boundary, without trailing separators (, ; : -), ending with \"…\". "
                + "Null text is null; n is a whole number of at least 1.",
            example: "limit_words('Llevá abrigo, paraguas y calzado cómodo', 3)  →  'Llevá abrigo, paraguas…'"
        ) { a throws(EvaluationError) in
            if a[0].isNull { return .null }
            let text = try a.string(0)
            let limit = try a.integer(1)
            guard limit >= 1 else { throw a.failure("argument 2 must be at least 1, got \(limit)") }
            return .string(WordLimit.cut(text, to: limit))
        },
    ]
}

/// Cutting a text at a word boundary (`limit_words`).
enum WordLimit {
    /// Characters dropped from the end of a cut text before the ellipsis.
    static let trailingSeparators: Set<Character> = [",", ";", ":", "-", "–", "—", "(", "«", "\"", "'"]

    /// The text when it has at most `limit` words, else its first `limit` words followed by "…".
    static func cut(_ text: String, to limit: Int) -> String {
        var words = 0
        var inWord = false
        var end = text.startIndex
        var index = text.startIndex
        while index < text.endIndex {
            let isSpace = text[index].isWhitespace
            if !isSpace && !inWord {
                words += 1
                if words > limit { break }
            }
            inWord = !isSpace
            if inWord { end = text.index(after: index) }
            index = text.index(after: index)
        }
        guard words > limit else { return text }
        var kept = text[text.startIndex..<end]
        while let last = kept.last, last.isWhitespace || trailingSeparators.contains(last) { kept = kept.dropLast() }
        return String(kept) + "…"
    }
}
