internal import CYaml

/// A composed YAML document plus the problems found while composing it.
///
/// Composes libyaml's events directly into `YAMLNode`s. A duplicated key is reported at its
/// second occurrence (Y002) and that pair is dropped, so one run reports every duplicate and
/// the rest of the document is still read. Syntax errors (Y001) carry libyaml's problem,
/// context and position. Anchors and aliases are reported (Y008) where they are written; an
/// alias still stands for its anchored node, so the rest of the document is read as written.
struct YAMLDocument {
    /// The root node, or nil when the text is empty or not valid YAML.
    var root: YAMLNode?
    var diagnostics: [Diagnostic]

    init(_ file: SourceFile) {
        var text = file.text
        var composer = Composer(path: file.path)
        root = text.withUTF8 { composer.compose($0) }
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

    /// The node whose first event is the current one.
    private mutating func node() throws -> YAMLNode {
        let start = mark(event.start_mark)
        switch event.type {
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            let text = String(decoding: UnsafeBufferPointer(start: scalar.value, count: scalar.length), as: UTF8.self)
            let style: YAMLNode.Scalar.Style = switch scalar.style {
            case YAML_SINGLE_QUOTED_SCALAR_STYLE: .singleQuoted
            case YAML_DOUBLE_QUOTED_SCALAR_STYLE: .doubleQuoted
            case YAML_LITERAL_SCALAR_STYLE: .literal
            case YAML_FOLDED_SCALAR_STYLE: .folded
            default: .plain
            }
            let node = YAMLNode.scalar(.init(string: text, style: style, mark: start))
            if let anchor = Self.string(scalar.anchor) { register(anchor, node) }
            return node
        case YAML_SEQUENCE_START_EVENT:
            let anchor = Self.string(event.data.sequence_start.anchor)
            valueKey = nil
            var items: [YAMLNode] = []
            try next()
            while event.type != YAML_SEQUENCE_END_EVENT {
                items.append(try node())
                try next()
            }
            let node = YAMLNode.sequence(.init(items: items, mark: start))
            if let anchor { register(anchor, node) }
            return node
        case YAML_MAPPING_START_EVENT:
            let anchor = Self.string(event.data.mapping_start.anchor)
            var pairs: [YAMLNode.Mapping.Pair] = []
            var keys = KeyIndex()
            try next()
            while event.type != YAML_MAPPING_END_EVENT {
                valueKey = nil
                let key = try node()
                try next()
                valueKey = key.mark
                let value = try node()
                valueKey = nil
                try next()
                if case .scalar(let scalar) = key, let first = keys.first(scalar.string, in: pairs) {
                    diagnostics.append(.error(
                        .duplicateKey, "duplicate key '\(scalar.string)' (first at line \(first.line))",
                        at: location(scalar.mark)))
                    continue
                }
                keys.add(key, after: pairs)
                pairs.append(.init(key: key, value: value))
            }
            let node = YAMLNode.mapping(.init(pairs: pairs, mark: start))
            if let anchor { register(anchor, node) }
            return node
        case YAML_ALIAS_EVENT:
            guard let name = Self.string(event.data.alias.anchor), let node = anchors[name] else {
                diagnostics.append(.error(.yamlSyntax, "found undefined alias", at: location(start)))
                throw Stop()
            }
            diagnostics.append(.error(
                .aliasUnsupported, "YAML aliases are not allowed in flows (the value repeats line \(node.mark.line))",
                at: location(valueKey ?? node.mark)))
            return node
        default:
            diagnostics.append(.error(.yamlSyntax, "unexpected YAML event", at: location(start)))
            throw Stop()
        }
    }

    /// Remembers an anchored node (so aliases still read) and reports the anchor at its `&`.
    private mutating func register(_ anchor: String, _ node: YAMLNode) {
        anchors[anchor] = node
        diagnostics.append(.error(
            .aliasUnsupported, "YAML anchors are not allowed in flows; repeat the value instead",
            at: location(node.mark)))
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

/// Finds a mapping's earlier scalar key: a scan while the mapping is small (flows' mappings
/// are), a table once it grows, so huge mappings stay linear.
private struct KeyIndex {
    private static let scanLimit = 16
    private var table: [String: YAMLNode.Mark]?

    func first(_ key: String, in pairs: [YAMLNode.Mapping.Pair]) -> YAMLNode.Mark? {
        if let table { return table[key] }
        for pair in pairs {
            if case .scalar(let scalar) = pair.key, scalar.string == key { return scalar.mark }
        }
        return nil
    }

    /// Records `key`, about to be appended to `pairs`.
    mutating func add(_ key: YAMLNode, after pairs: [YAMLNode.Mapping.Pair]) {
        if table == nil, pairs.count >= Self.scanLimit {
            var built: [String: YAMLNode.Mark] = [:]
            for pair in pairs { if case .scalar(let scalar) = pair.key { built[scalar.string] = scalar.mark } }
            table = built
        }
        guard table != nil, case .scalar(let scalar) = key else { return }
        table?[scalar.string] = scalar.mark
    }
}
