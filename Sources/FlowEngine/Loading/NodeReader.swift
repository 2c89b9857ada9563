internal import Yams

/// Typed, located reads from Yams nodes. Every problem becomes a diagnostic at the node it
/// concerns; reads return nil (or a neutral value) and loading goes on, so one pass reports
/// every problem in the document.
final class NodeReader {
    let file: SourceFile
    private(set) var diagnostics: [Diagnostic] = []
    private lazy var lines: [[Unicode.Scalar]] = file.text
        .split(separator: "\n", omittingEmptySubsequences: false)
        .map { Array($0.unicodeScalars) }

    init(file: SourceFile) {
        self.file = file
    }

    // MARK: Diagnostics

    func location(_ node: Node) -> SourceLocation {
        guard let mark = node.mark else { return SourceLocation(file: file.path, line: 1, column: 1) }
        return SourceLocation(file: file.path, line: max(1, mark.line), column: max(1, mark.column))
    }

    var documentStart: SourceLocation { SourceLocation(file: file.path, line: 1, column: 1) }

    func report(_ diagnostic: Diagnostic) { diagnostics.append(diagnostic) }

    func error(_ code: DiagnosticCode, _ message: String, at node: Node) {
        diagnostics.append(.error(code, message, at: location(node)))
    }

    func error(_ code: DiagnosticCode, _ message: String, at location: SourceLocation) {
        diagnostics.append(.error(code, message, at: location))
    }

    // MARK: Structure

    /// Reports anchors (`&name`, found at the node's start in the source) and aliases (a node
    /// met twice: compose shares the anchored node), each once.
    func rejectAnchors(in root: Node) {
        // Anchors need '&' and aliases '*': most documents have neither.
        guard file.text.utf8.contains(UInt8(ascii: "&")) || file.text.utf8.contains(UInt8(ascii: "*")) else { return }
        // A block mapping starts where its first key does, so nodes are told apart by kind too.
        struct Seen: Hashable {
            var kind: UInt8
            var line: Int
            var column: Int
        }
        var seen: Set<Seen> = []
        func visit(_ node: Node, reportAt key: Node?) {
            let at = location(node)
            let kind: UInt8 = switch node {
            case .mapping: 1
            case .sequence: 2
            default: 3
            }
            if node.mark != nil, !seen.insert(Seen(kind: kind, line: at.line, column: at.column)).inserted {
                error(.aliasUnsupported, "YAML aliases are not allowed in flows (the value repeats line \(at.line))",
                      at: key.map(location) ?? at)
                return
            }
            if scalar(at: at) == "&" {
                error(.aliasUnsupported, "YAML anchors are not allowed in flows; repeat the value instead", at: at)
            }
            switch node {
            case .mapping(let mapping):
                for (key, value) in mapping {
                    visit(key, reportAt: nil)
                    visit(value, reportAt: key)
                }
            case .sequence(let sequence):
                for item in sequence { visit(item, reportAt: nil) }
            default: break
            }
        }
        visit(root, reportAt: nil)
    }

    /// The character at a location of the source, if any.
    func scalar(at location: SourceLocation) -> Unicode.Scalar? {
        let line = location.line - 1, column = location.column - 1
        guard line >= 0, line < lines.count, column >= 0, column < lines[line].count else { return nil }
        return lines[line][column]
    }

    /// The entries of a mapping; reports a non-mapping (Y003) and keys outside `allowed` (Y004).
    func mapping(_ node: Node, _ what: String, allowed: [String]? = nil) -> MappingEntries? {
        guard case .mapping(let mapping) = node else {
            error(.wrongType, "\(what) must be a mapping, found \(describe(node))", at: node)
            return nil
        }
        var entries = MappingEntries()
        for (keyNode, value) in mapping {
            guard case .scalar(let scalar) = keyNode else {
                error(.wrongType, "keys of \(what) must be plain names", at: keyNode)
                continue
            }
            if scalar.string.hasPrefix(YAMLDocument.ignoredKeyMarker) { continue }
            let key = Located(scalar.string, at: location(keyNode))
            if let allowed, !allowed.contains(scalar.string) {
                var message = "unknown key '\(scalar.string)' in \(what)"
                if let suggestion = Spelling.closest(to: scalar.string, in: allowed) {
                    message += "; did you mean '\(suggestion)'?"
                }
                error(.unknownKey, message, at: keyNode)
                continue
            }
            entries.pairs.append(.init(key: key, keyNode: keyNode, value: value))
        }
        return entries
    }

    /// The items of a sequence; reports a non-sequence (Y003).
    func sequence(_ node: Node, _ what: String) -> [Node]? {
        guard case .sequence(let sequence) = node else {
            error(.wrongType, "\(what) must be a list, found \(describe(node))", at: node)
            return nil
        }
        return Array(sequence)
    }

    /// A list, or a single scalar standing for a one-item list.
    func sequenceOrScalar(_ node: Node, _ what: String) -> [Node]? {
        if case .scalar = node { return [node] }
        return sequence(node, what)
    }

    func describe(_ node: Node) -> String {
        switch node {
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .alias: "an alias"
        case .scalar(let scalar):
            if scalar.style == .plain, case .null = ScalarResolution.value(of: scalar.string) { "nothing (null)" }
            else { "'\(scalar.string.prefix(40))'" }
        }
    }

    // MARK: Scalars

    /// A string scalar (plain numbers and booleans are read as their text).
    func string(_ node: Node, _ what: String) -> Located<String>? {
        guard case .scalar(let scalar) = node else {
            error(.wrongType, "\(what) must be text, found \(describe(node))", at: node)
            return nil
        }
        if scalar.style == .plain, scalar.string.isEmpty || scalar.string == "~" || scalar.string == "null" {
            error(.wrongType, "\(what) must be text, found nothing (null)", at: node)
            return nil
        }
        return Located(scalar.string, at: location(node))
    }

    func int(_ node: Node, _ what: String) -> Located<Int>? {
        if case .scalar(let scalar) = node, scalar.style == .plain,
           case .number(let n) = ScalarResolution.value(of: scalar.string), n.rounded() == n, abs(n) < 1e15 {
            return Located(Int(n), at: location(node))
        }
        error(.wrongType, "\(what) must be a whole number, found \(describe(node))", at: node)
        return nil
    }

    func bool(_ node: Node, _ what: String) -> Bool? {
        if case .scalar(let scalar) = node, scalar.style == .plain,
           case .bool(let b) = ScalarResolution.value(of: scalar.string) {
            return b
        }
        error(.wrongType, "\(what) must be true or false, found \(describe(node))", at: node)
        return nil
    }

    /// One of an enumeration's raw values; Y006 otherwise.
    func choice<Option: RawRepresentable & CaseIterable>(
        _ node: Node, _ what: String, as: Option.Type
    ) -> Located<Option>? where Option.RawValue == String {
        guard let text = string(node, what) else { return nil }
        if let option = Option(rawValue: text.value) { return Located(option, at: text.location) }
        let allowed = Option.allCases.map(\.rawValue)
        var message = "\(what) must be one of \(allowed.joined(separator: ", ")), found '\(text.value)'"
        if let suggestion = Spelling.closest(to: text.value, in: allowed) { message += "; did you mean '\(suggestion)'?" }
        error(.invalidValue, message, at: text.location)
        return nil
    }

    /// Error class names from the closed taxonomy; F113 for anything else.
    func errorClasses(_ node: Node, _ what: String) -> [Located<ErrorClass>] {
        guard let items = sequenceOrScalar(node, what) else { return [] }
        return items.compactMap { item in
            guard let text = string(item, what) else { return nil }
            if let error = ErrorClass(rawValue: text.value) { return Located(error, at: text.location) }
            let names = ErrorClass.allCases.map(\.rawValue)
            var message = "unknown error class '\(text.value)' (classes: \(names.joined(separator: ", ")))"
            if let suggestion = Spelling.closest(to: text.value, in: names) { message += "; did you mean '\(suggestion)'?" }
            self.error(.unknownErrorClass, message, at: text.location)
            return nil
        }
    }

    // MARK: Values

    /// A literal value (no expressions): scalars keep their YAML types.
    func value(_ node: Node) -> Located<Value> {
        Located(literal(node), at: location(node))
    }

    private func literal(_ node: Node) -> Value {
        switch node {
        case .scalar(let scalar):
            return scalar.style == .plain ? ScalarResolution.value(of: scalar.string) : .string(scalar.string)
        case .sequence(let sequence):
            return .array(sequence.map(literal))
        case .mapping(let mapping):
            var object: [String: Value] = [:]
            for (key, value) in mapping {
                guard let name = key.scalar?.string, !name.hasPrefix(YAMLDocument.ignoredKeyMarker) else { continue }
                object[name] = literal(value)
            }
            return .object(object)
        case .alias:
            return .null
        }
    }

    /// A value that may hold `${{ … }}` expressions anywhere inside.
    func template(_ node: Node) -> ValueTemplate {
        let at = location(node)
        switch node {
        case .scalar(let scalar):
            guard TemplateSplitter.hasOpener(scalar.string) else {
                return .literal(scalar.style == .plain ? ScalarResolution.value(of: scalar.string) : .string(scalar.string), at)
            }
            return TemplateSplitter(reader: self).split(scalar.string, at: at)
        case .sequence(let sequence):
            return .list(sequence.map(template), at)
        case .mapping(let mapping):
            var members: [ValueTemplate.Member] = []
            for (key, value) in mapping {
                guard let name = key.scalar?.string, !name.hasPrefix(YAMLDocument.ignoredKeyMarker) else { continue }
                members.append(.init(key: Located(name, at: location(key)), value: template(value)))
            }
            return .object(members, at)
        case .alias:
            return .literal(.null, at)
        }
    }

    // MARK: Source text

    /// The location of the first `${{` at or after `start`, scanning the source text.
    func nextOpener(from start: SourceLocation) -> SourceLocation? {
        var line = start.line - 1
        var column = start.column - 1
        while line >= 0, line < lines.count {
            let scalars = lines[line]
            var c = column
            while c + 2 < scalars.count {
                if scalars[c] == "$", scalars[c + 1] == "{", scalars[c + 2] == "{" {
                    return SourceLocation(file: file.path, line: line + 1, column: c + 1)
                }
                c += 1
            }
            line += 1
            column = 0
        }
        return nil
    }
}

/// The checked entries of one mapping, in document order.
struct MappingEntries {
    struct Entry {
        var key: Located<String>
        var keyNode: Node
        var value: Node
    }

    var pairs: [Entry] = []

    subscript(key: String) -> Node? { pairs.first { $0.key.value == key }?.value }

    func key(_ name: String) -> Located<String>? { pairs.first { $0.key.value == name }?.key }

    func has(_ key: String) -> Bool { pairs.contains { $0.key.value == key } }
}
