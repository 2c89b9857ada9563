import Foundation

extension BuiltinFunctions {
    static let textFunctions: [BuiltinFunction] = [
        function("upper", 1...1, "upper(text) -> string", "Upper case.", example: "upper('eze')  →  'EZE'") {
            a throws(EvaluationError) in .string(try a.string(0).uppercased())
        },
        function("lower", 1...1, "lower(text) -> string", "Lower case.", example: "lower('LHR')  →  'lhr'") {
            a throws(EvaluationError) in .string(try a.string(0).lowercased())
        },
        function(
            "trim", 1...1, "trim(text) -> string", "Removes leading and trailing white space.",
            example: "trim('  hola ')  →  'hola'"
        ) { a throws(EvaluationError) in .string(try a.string(0).trimmingCharacters(in: .whitespacesAndNewlines)) },
        function(
            "contains", 2...2, "contains(text|list|object, x) -> bool",
            "Whether a string contains a substring, a list contains an element, or an object has a key.",
            example: "contains('AR1234', 'AR')  →  true"
        ) { a throws(EvaluationError) in
            switch a[0] {
            case .string(let s): return .bool(s.contains(try a.string(1)))
            case .array(let items): return .bool(items.contains(a[1]))
            case .object(let members): return .bool(members[try a.string(1)] != nil)
            case .null: return .bool(false)
            default: throw a.wrongType(0, expected: "a string, list or object")
            }
        },
        function(
            "starts_with", 2...2, "starts_with(text, prefix) -> bool", "Whether the text begins with the prefix.",
            example: "starts_with('AR1234', 'AR')  →  true"
        ) { a throws(EvaluationError) in .bool(try a.string(0).hasPrefix(try a.string(1))) },
        function(
            "ends_with", 2...2, "ends_with(text, suffix) -> bool", "Whether the text ends with the suffix.",
            example: "ends_with('foto.jpg', '.jpg')  →  true"
        ) { a throws(EvaluationError) in .bool(try a.string(0).hasSuffix(try a.string(1))) },
        function(
            "replace", 3...3, "replace(text, old, new) -> string", "Replaces every occurrence of old with new.",
            example: "replace('a-b-c', '-', '/')  →  'a/b/c'"
        ) { a throws(EvaluationError) in
            let old = try a.string(1)
            guard !old.isEmpty else { throw a.failure("the text to replace must not be empty") }
            return .string(try a.string(0).replacingOccurrences(of: old, with: try a.string(2)))
        },
        function(
            "split", 2...2, "split(text, separator) -> list", "Splits the text at each separator.",
            example: "split('EZE,MAD', ',')  →  ['EZE', 'MAD']"
        ) { a throws(EvaluationError) in
            let separator = try a.string(1)
            guard !separator.isEmpty else { throw a.failure("the separator must not be empty") }
            return .array(try a.string(0).components(separatedBy: separator).map(Value.string))
        },
        function(
            "join", 1...2, "join(list, separator = '') -> string", "Joins the items' text with the separator.",
            example: "join(['EZE', 'MAD'], ' → ')  →  'EZE → MAD'"
        ) { a throws(EvaluationError) in
            let separator = a.count > 1 ? try a.string(1) : ""
            return .string(try a.list(0).map(\.interpolationText).joined(separator: separator))
        },
        function(
            "substring", 2...3, "substring(text, start, length?) -> string",
            "Characters from start (0-based) for length characters (or to the end); clamped to the text.",
            example: "substring('AR1234', 2, 2)  →  '12'"
        ) { a throws(EvaluationError) in
            let characters = Array(try a.string(0))
            let start = min(max(try a.integer(1), 0), characters.count)
            let length = a.count > 2 ? max(try a.integer(2), 0) : characters.count
            return .string(String(characters[start..<min(characters.count, start + length)]))
        },
        function(
            "string", 1...1, "string(x) -> string", "The text of any value, as interpolation writes it.",
            example: "string(42)  →  '42'"
        ) { a throws(EvaluationError) in .string(a[0].interpolationText) },
        function(
            "number", 1...1, "number(x) -> number", "Parses a decimal number from text (numbers pass through).",
            example: "number('12.5')  →  12.5"
        ) { a throws(EvaluationError) in
            if case .number = a[0] { return a[0] }
            let text = try a.string(0).trimmingCharacters(in: .whitespaces)
            guard let n = Double(text), n.isFinite else { throw a.failure("'\(text)' is not a number") }
            return .number(n)
        },
        function(
            "json", 1...1, "json(x) -> string", "Compact JSON text with sorted keys.",
            example: "json({b: 1, a: [true]})  →  '{\"a\":[true],\"b\":1}'"
        ) { a throws(EvaluationError) in .string(a[0].jsonText) },
    ]
}
