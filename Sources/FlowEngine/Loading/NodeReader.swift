#if canImport(FoundationEssentials)
import FoundationEssentials
#endif
import Foundation  // memchr (libc)

/// Typed, located reads from composed YAML nodes. Every problem becomes a diagnostic at the node it
/// concerns; reads return nil (or a neutral value) and loading goes on, so one pass reports
/// every problem in the document.
final class NodeReader {
    let file: SourceFile
    /// The composed document the nodes belong to.
    let tree: YAMLTree
    /// The document's path, interned once: every location made here refers to it by number.
    let fileID: SourcePaths.ID
    private(set) var diagnostics: [Diagnostic] = []
    /// The document's UTF-8 bytes and where each line starts in them (read lazily: only
    /// documents with expressions need them).
    private lazy var bytes: [UInt8] = Array(file.text.utf8)
    private lazy var lineStarts: [Int] = {
        var starts = [0]
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            // memchr finds each newline many bytes at a time.
            var offset = 0
            while offset < buffer.count,
                  let found = memchr(base + offset, Int32(UInt8(ascii: "\n")), buffer.count - offset) {
                offset = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(found)) + 1
                starts.append(offset)
            }
        }
        return starts
    }()

    init(file: SourceFile, tree: YAMLTree) {
        self.file = file
        self.tree = tree
        self.fileID = SourcePaths.shared.id(file.path)
    }

    // MARK: Diagnostics

    func location(_ node: YAMLNode) -> SourceLocation {
        let record = tree.records[Int(node.index)]
        return SourceLocation(fileID: fileID, line: max(1, Int(record.line)), column: max(1, Int(record.column)))
    }

    var documentStart: SourceLocation { SourceLocation(fileID: fileID, line: 1, column: 1) }

    func report(_ diagnostic: Diagnostic) { diagnostics.append(diagnostic) }

    func error(_ code: DiagnosticCode, _ message: String, at node: YAMLNode) {
        diagnostics.append(.error(code, message, at: location(node)))
    }

    func error(_ code: DiagnosticCode, _ message: String, at location: SourceLocation) {
        diagnostics.append(.error(code, message, at: location))
    }

    // MARK: Structure

    /// The entries of a mapping; reports a non-mapping (Y003) and keys outside `allowed` (Y004).
    /// `what` is only built when there is a problem to report.
    func mapping(_ node: YAMLNode, _ what: @autoclosure () -> String, allowed: [String]? = nil) -> MappingEntries? {
        guard node.isMapping else {
            error(.wrongType, "\(what()) must be a mapping, found \(describe(node))", at: node)
            return nil
        }
        let count = tree.count(node)
        var entries = MappingEntries()
        entries.pairs.reserveCapacity(count)
        for pair in 0..<count {
            let keyNode = tree.key(node, pair), value = tree.value(node, pair)
            guard keyNode.isScalar else {
                error(.wrongType, "keys of \(what()) must be plain names", at: keyNode)
                continue
            }
            let name = tree.string(keyNode)
            let key = Located(name, at: location(keyNode))
            if let allowed, !allowed.contains(name) {
                var message = "unknown key '\(name)' in \(what())"
                if let suggestion = Spelling.closest(to: name, in: allowed) {
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
    func sequence(_ node: YAMLNode, _ what: String) -> [YAMLNode]? {
        guard node.isSequence else {
            error(.wrongType, "\(what) must be a list, found \(describe(node))", at: node)
            return nil
        }
        return tree.items(node)
    }

    /// A list, or a single scalar standing for a one-item list.
    func sequenceOrScalar(_ node: YAMLNode, _ what: String) -> [YAMLNode]? {
        if node.isScalar { return [node] }
        return sequence(node, what)
    }

    func describe(_ node: YAMLNode) -> String {
        switch node.kind {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .scalar:
            let text = tree.string(node)
            if tree.style(node) == .plain, case .null = ScalarResolution.value(of: text) { return "nothing (null)" }
            return "'\(text.prefix(40))'"
        }
    }

    // MARK: Scalars

    /// A string scalar (plain numbers and booleans are read as their text).
    func string(_ node: YAMLNode, _ what: String) -> Located<String>? {
        guard node.isScalar else {
            error(.wrongType, "\(what) must be text, found \(describe(node))", at: node)
            return nil
        }
        let text = tree.string(node)
        if tree.style(node) == .plain, text.isEmpty || text == "~" || text == "null" {
            error(.wrongType, "\(what) must be text, found nothing (null)", at: node)
            return nil
        }
        return Located(text, at: location(node))
    }

    func int(_ node: YAMLNode, _ what: String) -> Located<Int>? {
        if node.isScalar, tree.style(node) == .plain,
           case .number(let n) = ScalarResolution.value(of: tree.string(node)), n.rounded() == n, abs(n) < 1e15 {
            return Located(Int(n), at: location(node))
        }
        error(.wrongType, "\(what) must be a whole number, found \(describe(node))", at: node)
        return nil
    }

    func bool(_ node: YAMLNode, _ what: String) -> Bool? {
        if node.isScalar, tree.style(node) == .plain,
           case .bool(let b) = ScalarResolution.value(of: tree.string(node)) {
            return b
        }
        error(.wrongType, "\(what) must be true or false, found \(describe(node))", at: node)
        return nil
    }

    /// One of an enumeration's raw values; Y006 otherwise.
    func choice<Option: RawRepresentable & CaseIterable>(
        _ node: YAMLNode, _ what: String, as: Option.Type
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
    func errorClasses(_ node: YAMLNode, _ what: String) -> [Located<ErrorClass>] {
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
    func value(_ node: YAMLNode) -> Located<Value> {
        Located(literal(node), at: location(node))
    }

    private func literal(_ node: YAMLNode) -> Value {
        switch node.kind {
        case .scalar:
            let text = tree.string(node)
            return tree.style(node) == .plain ? ScalarResolution.value(of: text) : .string(text)
        case .sequence:
            return .array(tree.items(node).map(literal))
        case .mapping:
            var object: [String: Value] = [:]
            for pair in 0..<tree.count(node) {
                guard let name = tree.scalar(tree.key(node, pair)) else { continue }
                object[name] = literal(tree.value(node, pair))
            }
            return .object(object)
        }
    }

    /// A value that may hold `${{ … }}` expressions anywhere inside.
    func template(_ node: YAMLNode) -> ValueTemplate {
        let at = location(node)
        switch node.kind {
        case .scalar:
            let text = tree.string(node)
            guard TemplateSplitter.hasOpener(text) else {
                return .literal(tree.style(node) == .plain ? ScalarResolution.value(of: text) : .string(text), at)
            }
            return TemplateSplitter(reader: self).split(text, at: at)
        case .sequence:
            return .list(tree.items(node).map(template), at)
        case .mapping:
            let count = tree.count(node)
            var members: [ValueTemplate.Member] = []
            members.reserveCapacity(count)
            for pair in 0..<count {
                let key = tree.key(node, pair)
                guard let name = tree.scalar(key) else { continue }
                members.append(.init(key: Located(name, at: location(key)), value: template(tree.value(node, pair))))
            }
            return .object(members, at)
        }
    }

    // MARK: Source text

    /// The location of the first `${{` at or after `start`, scanning the source text (columns
    /// count Unicode scalars, so UTF-8 continuation bytes are not counted).
    func nextOpener(from start: SourceLocation) -> SourceLocation? {
        // Locals: every access to a lazy property would retain and release the array.
        let bytes = self.bytes, lineStarts = self.lineStarts
        var line = start.line - 1
        guard line >= 0, line < lineStarts.count else { return nil }
        let dollar = UInt8(ascii: "$"), brace = UInt8(ascii: "{"), newline = UInt8(ascii: "\n")
        // Skip to the start column on the first line.
        var offset = lineStarts[line]
        var column = 0
        while column < start.column - 1, offset < bytes.count, bytes[offset] != newline {
            offset += 1
            while offset < bytes.count, bytes[offset] & 0xC0 == 0x80 { offset += 1 }
            column += 1
        }
        while offset + 2 < bytes.count {
            let byte = bytes[offset]
            if byte == newline {
                line += 1
                column = 0
                offset += 1
                continue
            }
            if byte == dollar, bytes[offset + 1] == brace, bytes[offset + 2] == brace {
                return SourceLocation(fileID: fileID, line: line + 1, column: column + 1)
            }
            if byte & 0xC0 != 0x80 { column += 1 }
            offset += 1
        }
        return nil
    }
}

/// The checked entries of one mapping, in document order.
struct MappingEntries {
    struct Entry {
        var key: Located<String>
        var keyNode: YAMLNode
        var value: YAMLNode
    }

    var pairs: [Entry] = []

    subscript(key: String) -> YAMLNode? { pairs.first { $0.key.value == key }?.value }

    func key(_ name: String) -> Located<String>? { pairs.first { $0.key.value == name }?.key }

    func has(_ key: String) -> Bool { pairs.contains { $0.key.value == key } }
}
