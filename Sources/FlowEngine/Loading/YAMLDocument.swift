internal import Yams

/// A composed YAML document plus the problems found while composing it.
///
/// Yams stops at the first duplicated key; this type reports the duplicate at its second
/// occurrence (Y002), neutralises that key in a copy of the text and composes again, so one
/// run reports every duplicate and the rest of the document is still read.
struct YAMLDocument {
    /// The root node, or nil when the text is empty or not valid YAML.
    var root: Node?
    var diagnostics: [Diagnostic]
    /// Where duplicate keys were neutralised (their keys start with `ignoredKeyMarker`; the reader skips them).
    var ignoredKeys: Set<Position>

    struct Position: Hashable {
        var line: Int
        var column: Int
    }

    /// The prefix given to a neutralised duplicate key.
    static let ignoredKeyMarker = "__flow_duplicate__"

    init(_ file: SourceFile) {
        diagnostics = []
        ignoredKeys = []
        root = nil
        var text = file.text
        for _ in 0..<64 {
            do {
                root = try Yams.compose(yaml: text, .basic)  // types are resolved by ScalarResolution; `.default` runs regexes per key
                if root == nil {
                    diagnostics.append(.error(.emptyDocument, "the document is empty", at: .init(file: file.path, line: 1, column: 1)))
                }
                return
            } catch let YamlError.duplicatedKeysInMapping(duplicates, context) {
                guard let key = duplicates.sorted().first,
                      let (second, patched) = Self.neutraliseDuplicate(key, after: context.mark, in: text)
                else {
                    let at = SourceLocation(file: file.path, line: max(1, context.mark.line), column: max(1, context.mark.column))
                    diagnostics.append(.error(.duplicateKey, "duplicate key '\(duplicates.joined(separator: "', '"))'", at: at))
                    return
                }
                let at = SourceLocation(file: file.path, line: second.line, column: second.column)
                diagnostics.append(.error(
                    .duplicateKey, "duplicate key '\(key)' (first at line \(context.mark.line))", at: at))
                ignoredKeys.insert(second)
                text = patched
            } catch let error as YamlError {
                diagnostics.append(Self.diagnostic(for: error, file: file.path))
                return
            } catch {
                diagnostics.append(.error(.yamlSyntax, "\(error)", at: .init(file: file.path, line: 1, column: 1)))
                return
            }
        }
    }

    static func diagnostic(for error: YamlError, file: String) -> Diagnostic {
        func located(_ problem: String, _ context: YamlError.Context?, _ mark: Mark) -> Diagnostic {
            var message = problem
            if let context, !context.text.isEmpty { message += " (\(context.text) at line \(context.mark.line))" }
            let at = SourceLocation(file: file, line: max(1, mark.line), column: max(1, mark.column))
            return .error(.yamlSyntax, message, at: at)
        }
        switch error {
        case let .scanner(context, problem, mark, _): return located(problem, context, mark)
        case let .parser(context, problem, mark, _): return located(problem, context, mark)
        case let .composer(context, problem, mark, _): return located(problem, context, mark)
        case let .reader(problem, _, _, _):
            return .error(.yamlSyntax, problem, at: .init(file: file, line: 1, column: 1))
        default:
            return .error(.yamlSyntax, "\(error)", at: .init(file: file, line: 1, column: 1))
        }
    }

    /// Finds the next occurrence of `key` as a mapping key after `mark` (same column on a later
    /// line for block mappings, later on the same line for flow mappings) and renames it.
    static func neutraliseDuplicate(_ key: String, after mark: Mark, in text: String) -> (Position, String)? {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { Array($0.unicodeScalars) }
        let keyScalars = Array(key.unicodeScalars)
        guard mark.line >= 1, mark.line <= lines.count, !keyScalars.isEmpty else { return nil }
        let firstColumn = mark.column - 1
        func isKey(at line: Int, _ column: Int) -> Bool {
            let scalars = lines[line]
            guard column >= 0, column + keyScalars.count <= scalars.count,
                  Array(scalars[column..<column + keyScalars.count]) == keyScalars
            else { return false }
            if column > 0, !" \t{,-".unicodeScalars.contains(scalars[column - 1]) { return false }
            var rest = column + keyScalars.count
            while rest < scalars.count, scalars[rest] == " " { rest += 1 }
            return rest < scalars.count && scalars[rest] == ":"
        }
        func rename(_ line: Int, _ column: Int, insertingAt insert: Int? = nil) -> (Position, String) {
            lines[line].insert(contentsOf: ignoredKeyMarker.unicodeScalars, at: insert ?? column)
            let patched = lines.map { String(String.UnicodeScalarView($0)) }.joined(separator: "\n")
            return (Position(line: line + 1, column: column + 1), patched)
        }
        // Flow mapping on the same line.
        let line0 = mark.line - 1
        var c = firstColumn + keyScalars.count
        while c < lines[line0].count {
            if isKey(at: line0, c) { return rename(line0, c) }
            c += 1
        }
        // Block mapping: same column on later lines, until the indentation drops below it.
        for line in mark.line..<lines.count {
            let scalars = lines[line]
            let indent = scalars.prefix { $0 == " " }.count
            if indent == scalars.count || scalars[indent] == "#" { continue }
            if indent < firstColumn && !(indent + 2 <= firstColumn && scalars[indent] == "-") { return nil }
            if isKey(at: line, firstColumn) { return rename(line, firstColumn) }
            if let quoted = findQuotedKey(key, in: scalars, at: firstColumn) {
                return rename(line, quoted, insertingAt: quoted + 1)
            }
        }
        return nil
    }

    private static func findQuotedKey(_ key: String, in scalars: [Unicode.Scalar], at column: Int) -> Int? {
        guard column < scalars.count, scalars[column] == "\"" || scalars[column] == "'" else { return nil }
        let quote = scalars[column]
        let body = Array(key.unicodeScalars)
        let end = column + 1 + body.count
        guard end < scalars.count, Array(scalars[column + 1..<end]) == body, scalars[end] == quote else { return nil }
        return column
    }
}
