// CYaml is Yams's copy of libyaml: a target of the Yams package, not a product, so Package.swift
// cannot name it (`.product(name:package:)` only takes products). The import resolves because
// SwiftPM builds CYaml for the `Yams` product we depend on and hands its module map to every
// target that depends on Yams. See "Why the composer imports CYaml" in docs/benchmarks.md for
// what would break it.
internal import CYaml

/// A composed YAML document plus the problems found while composing it.
///
/// Composes libyaml's events directly into a flat `YAMLTree`. A duplicated key is reported at its
/// second occurrence (Y002) and that pair is dropped, so one run reports every duplicate and
/// the rest of the document is still read. Syntax errors (Y001) carry libyaml's problem,
/// context and position. Anchors and aliases are reported (Y008) where they are written; an
/// alias still stands for its anchored node, so the rest of the document is read as written.
struct YAMLDocument {
    /// The document's nodes.
    var tree: YAMLTree
    /// The root node, or nil when the text is empty or not valid YAML.
    var root: YAMLNode?
    var diagnostics: [Diagnostic]

    init(_ file: SourceFile) {
        var text = file.text
        var composer = Composer(path: file.path)
        root = text.withUTF8 { composer.compose($0) }
        tree = composer.tree
        diagnostics = composer.diagnostics
        if root == nil, diagnostics.isEmpty {
            let start = SourceLocation(file: file.path, line: 1, column: 1)
            diagnostics.append(.error(.emptyDocument, "the document is empty", at: start))
        }
    }
}

/// The event loop: one libyaml parser over a UTF-8 buffer, building nodes depth first.
/// `compose` runs once per composer (it frees the parser when done).
private struct Composer {
    /// The document's path, interned once.
    let fileID: SourcePaths.ID
    var diagnostics: [Diagnostic] = []
    var tree = YAMLTree()
    /// The children of the mappings and lists being composed; each moves to `tree.children`
    /// in one piece when its end event arrives.
    private var pending: [Int32] = []
    private var anchors: [String: YAMLNode] = [:]
    /// The key whose value is being composed: an alias value is reported there.
    private var valueKey: YAMLNode.Mark?
    private let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
    private var event = yaml_event_t()

    /// A composing failure already turned into a diagnostic.
    private struct Stop: Error {}

    init(path: String) {
        self.fileID = SourcePaths.shared.id(path)
    }

    mutating func compose(_ buffer: UnsafeBufferPointer<UInt8>) -> YAMLNode? {
        // Scalars are at most the document's bytes; a node takes a few bytes of text at least.
        tree.text.reserveCapacity(buffer.count)
        tree.records.reserveCapacity(buffer.count / 8)
        tree.children.reserveCapacity(buffer.count / 8)
        yaml_parser_initialize(parser)
        yaml_parser_set_encoding(parser, YAML_UTF8_ENCODING)
        yaml_parser_set_input_string(parser, buffer.baseAddress, buffer.count)
        defer {
            yaml_event_delete(&event)
            yaml_parser_delete(parser)
            parser.deallocate()
        }
        do {
            try next()  // stream start
            try next()
            if event.type == YAML_STREAM_END_EVENT { return nil }
            try next()  // the root's first event (after document start)
            let root = try node()
            try next()  // document end
            try next()
            if event.type != YAML_STREAM_END_EVENT {
                let at = mark(event.start_mark)
                diagnostics.append(.error(
                    .yamlSyntax, "but found another document (expected a single document in the stream at line 1)",
                    at: location(at)))
                return nil
            }
            return root
        } catch {
            return nil
        }
    }

    /// Parses the next event into `event`; a parse error becomes a Y001 diagnostic.
    private mutating func next() throws {
        yaml_event_delete(&event)
        guard yaml_parser_parse(parser, &event) == 1 else {
            diagnostics.append(syntaxError())
            throw Stop()
        }
    }

    private func mark(_ mark: yaml_mark_t) -> YAMLNode.Mark {
        YAMLNode.Mark(line: Int(mark.line) + 1, column: Int(mark.column) + 1)
    }

    private func location(_ mark: YAMLNode.Mark) -> SourceLocation {
        SourceLocation(fileID: fileID, line: max(1, mark.line), column: max(1, mark.column))
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let pointer else { return nil }
        return String(cString: pointer)
    }

    /// Appends a record for a node starting at `start` and returns its node.
    private mutating func record(
        _ kind: YAMLNode.Kind, at start: yaml_mark_t, first: Int, count: Int, style: YAMLNode.Style = .plain
    ) -> YAMLNode {
        let index = Int32(tree.records.count)
        tree.records.append(YAMLTree.Record(
            line: Int32(clamping: Int(start.line) + 1), column: Int32(clamping: Int(start.column) + 1),
            first: Int32(first), count: Int32(count), kind: kind, style: style))
        return YAMLNode(index: index, kind: kind)
    }

    /// Moves the children pending from `base` on into the tree as the node's entries.
    private mutating func close(_ node: YAMLNode, pendingFrom base: Int, count: Int) {
        let index = Int(node.index)
        tree.records[index].first = Int32(tree.children.count)
        tree.records[index].count = Int32(count)
        tree.children.append(contentsOf: pending[base...])
        pending.removeSubrange(base...)
    }

    /// The node whose first event is the current one.
    private mutating func node() throws -> YAMLNode {
        let start = event.start_mark
        switch event.type {
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            let style: YAMLNode.Style = switch scalar.style {
            case YAML_SINGLE_QUOTED_SCALAR_STYLE: .singleQuoted
            case YAML_DOUBLE_QUOTED_SCALAR_STYLE: .doubleQuoted
            case YAML_LITERAL_SCALAR_STYLE: .literal
            case YAML_FOLDED_SCALAR_STYLE: .folded
            default: .plain
            }
            let first = tree.text.count
            tree.text.append(contentsOf: UnsafeBufferPointer(start: scalar.value, count: scalar.length))
            let scalarNode = record(.scalar, at: start, first: first, count: scalar.length, style: style)
            if let anchor = Self.string(scalar.anchor) { register(anchor, scalarNode) }
            return scalarNode
        case YAML_SEQUENCE_START_EVENT:
            let anchor = Self.string(event.data.sequence_start.anchor)
            valueKey = nil
            let list = record(.sequence, at: start, first: 0, count: 0)
            let base = pending.count
            try next()
            while event.type != YAML_SEQUENCE_END_EVENT {
                pending.append(try node().index)
                try next()
            }
            close(list, pendingFrom: base, count: pending.count - base)
            if let anchor { register(anchor, list) }
            return list
        case YAML_MAPPING_START_EVENT:
            let anchor = Self.string(event.data.mapping_start.anchor)
            let mapping = record(.mapping, at: start, first: 0, count: 0)
            let base = pending.count
            var keys = KeyIndex()
            try next()
            while event.type != YAML_MAPPING_END_EVENT {
                valueKey = nil
                let key = try node()
                try next()
                valueKey = tree.mark(key)
                let value = try node()
                valueKey = nil
                try next()
                if key.isScalar, let first = keys.first(key, in: tree, pending: pending, from: base) {
                    diagnostics.append(.error(
                        .duplicateKey, "duplicate key '\(tree.string(key))' (first at line \(first.line))",
                        at: location(tree.mark(key))))
                    continue
                }
                if keys.records(pairs: (pending.count - base) / 2) { keys.add(key, in: tree, pending: pending, from: base) }
                pending.append(key.index)
                pending.append(value.index)
            }
            close(mapping, pendingFrom: base, count: (pending.count - base) / 2)
            if let anchor { register(anchor, mapping) }
            return mapping
        case YAML_ALIAS_EVENT:
            guard let name = Self.string(event.data.alias.anchor), let anchored = anchors[name] else {
                diagnostics.append(.error(.yamlSyntax, "found undefined alias", at: location(mark(start))))
                throw Stop()
            }
            diagnostics.append(.error(
                .aliasUnsupported,
                "YAML aliases are not allowed in flows (the value repeats line \(tree.mark(anchored).line))",
                at: location(valueKey ?? tree.mark(anchored))))
            return anchored
        default:
            diagnostics.append(.error(.yamlSyntax, "unexpected YAML event", at: location(mark(start))))
            throw Stop()
        }
    }

    /// Remembers an anchored node (so aliases still read) and reports the anchor at its `&`.
    private mutating func register(_ anchor: String, _ node: YAMLNode) {
        anchors[anchor] = node
        diagnostics.append(.error(
            .aliasUnsupported, "YAML anchors are not allowed in flows; repeat the value instead",
            at: location(tree.mark(node))))
    }

    /// libyaml's problem, with its context, at the problem's position.
    private func syntaxError() -> Diagnostic {
        let state = parser.pointee
        let problem = state.problem.map { String(cString: $0) } ?? "invalid YAML"
        guard state.error == YAML_SCANNER_ERROR || state.error == YAML_PARSER_ERROR else {
            return .error(.yamlSyntax, problem, at: SourceLocation(fileID: fileID, line: 1, column: 1))
        }
        var message = problem
        if let context = state.context.map({ String(cString: $0) }), !context.isEmpty {
            message += " (\(context) at line \(Int(state.context_mark.line) + 1))"
        }
        return .error(.yamlSyntax, message, at: location(mark(state.problem_mark)))
    }
}

/// Finds a mapping's earlier scalar key: a byte comparison with each earlier key while the
/// mapping is small (flows' mappings are), a table once it grows, so huge mappings stay linear.
private struct KeyIndex {
    private static let scanLimit = 16
    private var table: [String: YAMLNode.Mark]?

    /// The mark of an earlier key with the text of `key`; `pending` holds the mapping's keys
    /// and values so far, alternating, from `base` on (arrays, not slices: a slice retains).
    func first(_ key: YAMLNode, in tree: YAMLTree, pending: [Int32], from base: Int) -> YAMLNode.Mark? {
        if let table { return table[tree.string(key)] }
        let record = tree.records[Int(key.index)]
        return tree.text.withUnsafeBufferPointer { text in
            let bytes = UnsafeBufferPointer(rebasing: text[Int(record.first)..<Int(record.first + record.count)])
            var position = base
            while position < pending.count {
                let earlier = tree.records[Int(pending[position])]
                position += 2
                guard earlier.kind == .scalar, earlier.count == record.count else { continue }
                let candidate = UnsafeBufferPointer(
                    rebasing: text[Int(earlier.first)..<Int(earlier.first + earlier.count)])
                if candidate.elementsEqual(bytes) {
                    return YAMLNode.Mark(line: Int(earlier.line), column: Int(earlier.column))
                }
            }
            return nil
        }
    }

    /// Whether `add` must run for a key that follows `pairs` pairs: only once the table exists
    /// or is due (small mappings are scanned instead).
    func records(pairs: Int) -> Bool { table != nil || pairs >= Self.scanLimit }

    /// Records `key`, about to be appended after the pairs in `pending` (from `base` on).
    mutating func add(_ key: YAMLNode, in tree: YAMLTree, pending: [Int32], from base: Int) {
        if table == nil, (pending.count - base) / 2 >= Self.scanLimit {
            var built: [String: YAMLNode.Mark] = [:]
            var position = base
            while position < pending.count {
                let earlier = tree.node(pending[position])
                if earlier.isScalar { built[tree.string(earlier)] = tree.mark(earlier) }
                position += 2
            }
            table = built
        }
        guard table != nil, key.isScalar else { return }
        table?[tree.string(key)] = tree.mark(key)
    }
}
