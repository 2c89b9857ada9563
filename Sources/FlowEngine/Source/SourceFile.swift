/// The name and text of one workflow document.
public struct SourceFile: Sendable, Hashable {
    /// The path as the user named it; used in every diagnostic.
    public var path: String
    /// The full text.
    public var text: String

    public init(path: String, text: String) {
        self.path = path
        self.text = text
    }

    /// The text of a 1-based line, without its line terminator, or nil past the end. Lines end as
    /// YAML's do (and the parser's line numbers count them): at LF, CR LF, or a lone CR.
    public func line(_ number: Int) -> Substring? {
        guard number >= 1 else { return nil }
        var current = 1
        var found: Substring?
        forEachLine { line in
            guard current == number else {
                current += 1
                return true
            }
            found = line
            return false
        }
        return found
    }

    /// How many lines the text has, counted as `line(_:)` does (an empty text has one, empty, line).
    public var lineCount: Int {
        var count = 0
        forEachLine { _ in
            count += 1
            return true
        }
        return count
    }

    /// Calls `body` with each line in order, without its terminator, while it returns true.
    private func forEachLine(_ body: (Substring) -> Bool) {
        let utf8 = text.utf8
        var start = utf8.startIndex
        var index = start
        while index < utf8.endIndex {
            let byte = utf8[index]
            guard byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") else {
                index = utf8.index(after: index)
                continue
            }
            // A break is never inside a Character (CR and LF end one, CR LF is one): valid String indices.
            guard body(text[start..<index]) else { return }
            var next = utf8.index(after: index)
            if byte == UInt8(ascii: "\r"), next < utf8.endIndex, utf8[next] == UInt8(ascii: "\n") {
                next = utf8.index(after: next)
            }
            start = next
            index = next
        }
        _ = body(text[start...])
    }
}
