import Foundation

extension BuiltinFunctions {
    static let keywordFunctions: [BuiltinFunction] = [
        function(
            "matches_keyword", 2...2, "matches_keyword(text, keywords) -> bool",
            "Whether the text contains a keyword (one string or a list) as whole words, ignoring case and accents; "
                + "a keyword of several words matches them in sequence. Null text is false.",
            example: "matches_keyword('¿A qué hora sale mi VUELO?', ['vuelo', 'avion'])  →  true"
        ) { a throws(EvaluationError) in
            if a[0].isNull { return .bool(false) }
            let words = KeywordMatch.words(try a.string(0))
            let keywords: [Value]
            switch a[1] {
            case .string: keywords = [a[1]]
            case .array(let items): keywords = items
            default: throw a.wrongType(1, expected: "a string or a list of strings")
            }
            for (index, keyword) in keywords.enumerated() {
                guard case .string(let text) = keyword else {
                    throw a.failure("keyword \(index + 1) must be a string, got \(keyword.typeName)")
                }
                let phrase = KeywordMatch.words(text)
                guard !phrase.isEmpty else { throw a.failure("keyword \(index + 1) ('\(text)') has no letters or digits") }
                if KeywordMatch.contains(words, phrase) { return .bool(true) }
            }
            return .bool(false)
        },
    ]
}

/// Word-boundary, case- and accent-insensitive keyword matching: "hi" is not in "Chile",
/// "información" matches "informacion", "a qué hora" matches "¿A QUE HORA sale?".
enum KeywordMatch {
    /// The text's words: runs of letters and digits, lower-cased, with accents (combining marks) removed.
    static func words(_ text: String) -> [String] {
        var words: [String] = []
        var current = String.UnicodeScalarView()
        for scalar in text.lowercased().decomposedStringWithCanonicalMapping.unicodeScalars {
            let properties = scalar.properties
            if properties.generalCategory == .nonspacingMark || properties.generalCategory == .spacingMark
                || properties.generalCategory == .enclosingMark {
                continue
            }
            if properties.isAlphabetic || properties.numericType != nil {
                current.append(scalar)
            } else if !current.isEmpty {
                words.append(String(current))
                current = String.UnicodeScalarView()
            }
        }
        if !current.isEmpty { words.append(String(current)) }
        return words
    }

    /// Whether `phrase` occurs in `words` as a contiguous run.
    static func contains(_ words: [String], _ phrase: [String]) -> Bool {
        guard phrase.count <= words.count else { return false }
        for start in 0...(words.count - phrase.count) where words[start] == phrase[0] {
            if Array(words[start..<(start + phrase.count)]) == phrase { return true }
        }
        return false
    }
}
