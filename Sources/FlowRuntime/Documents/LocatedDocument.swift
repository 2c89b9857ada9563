public import FlowEngine
internal import Yams

/// A YAML or JSON document (an input, a fixtures file, an event payload) read into values that remember
/// where they were written, so every problem can name its file, line and column.
public struct LocatedDocument: Sendable {
    /// One node of the document.
    public indirect enum Content: Sendable {
        case scalar(Value)
        case list([LocatedDocument])
        /// Keys in document order, each with where the key was written.
        case map([(key: String, at: SourceLocation?, value: LocatedDocument)])
    }

    public var content: Content
    /// nil for documents built from a value rather than read from text.
    public var location: SourceLocation?

    public init(content: Content, location: SourceLocation?) {
        self.content = content
        self.location = location
    }

    /// Parses YAML (JSON is YAML). An empty document is an empty map.
    /// - Throws: `LocatedError` with the line and column of a syntax error, anchor or alias.
    public init(parsing file: SourceFile) throws(LocatedError) {
        let node: Node?
        do {
            node = try Yams.compose(yaml: file.text, .basic)
        } catch let YamlError.scanner(context, problem, mark, _) {
            throw Self.syntax(problem, context, mark, file)
        } catch let YamlError.parser(context, problem, mark, _) {
            throw Self.syntax(problem, context, mark, file)
        } catch let YamlError.composer(context, problem, mark, _) {
            throw Self.syntax(problem, context, mark, file)
        } catch let YamlError.duplicatedKeysInMapping(duplicates, context) {
            throw LocatedError("duplicate key '\(duplicates.sorted().joined(separator: "', '"))'",
                              at: Self.location(context.mark, file))
        } catch {
            throw LocatedError(
                "not valid YAML or JSON: \(error)", at: SourceLocation(file: file.path, line: 1, column: 1))
        }
        guard let node else {
            self.init(content: .map([]), location: SourceLocation(file: file.path, line: 1, column: 1))
            return
        }
        self = try Self.convert(node, file)
    }

    /// A document built from a value (no locations).
    public init(_ value: Value) {
        location = nil
        switch value {
        case .array(let items): content = .list(items.map { LocatedDocument($0) })
        case .object(let members):
            content = .map(members.keys.sorted().map { ($0, nil, LocatedDocument(members[$0]!)) })
        default: content = .scalar(value)
        }
    }

    /// The plain value, locations dropped.
    public var value: Value {
        switch content {
        case .scalar(let value): value
        case .list(let items): .array(items.map(\.value))
        case .map(let pairs): .object(Dictionary(pairs.map { ($0.key, $0.value.value) }, uniquingKeysWith: { $1 }))
        }
    }

    /// The member named `key` of a map.
    public subscript(key: String) -> LocatedDocument? {
        guard case .map(let pairs) = content else { return nil }
        return pairs.first { $0.key == key }?.value
    }

    /// A short name of the node's kind for messages.
    public var kindName: String {
        switch content {
        case .list: "a list"
        case .map: "a map"
        case .scalar(let value):
            switch value {
            case .null: "null"
            case .bool: "a boolean"
            case .number: "a number"
            default: "a string"
            }
        }
    }

    // MARK: Conversion

    private static func location(_ mark: Mark?, _ file: SourceFile) -> SourceLocation {
        SourceLocation(file: file.path, line: max(1, mark?.line ?? 1), column: max(1, mark?.column ?? 1))
    }

    private static func syntax(_ problem: String, _ context: YamlError.Context?, _ mark: Mark, _ file: SourceFile)
        -> LocatedError
    {
        var message = problem
        if let context { message = "\(context.text): \(problem)" }
        return LocatedError("not valid YAML or JSON: \(message)", at: location(mark, file))
    }

    private static func convert(_ node: Node, _ file: SourceFile) throws(LocatedError) -> LocatedDocument {
        let at = location(node.mark, file)
        switch node {
        case .scalar(let scalar):
            let value: Value = scalar.style == .plain ? plainValue(scalar.string) : .string(scalar.string)
            return LocatedDocument(content: .scalar(value), location: at)
        case .sequence(let sequence):
            var items: [LocatedDocument] = []
            for item in sequence { items.append(try convert(item, file)) }
            return LocatedDocument(content: .list(items), location: at)
        case .mapping(let mapping):
            var pairs: [(key: String, at: SourceLocation?, value: LocatedDocument)] = []
            for (key, value) in mapping {
                guard let name = key.scalar?.string else {
                    throw LocatedError("keys must be plain text", at: location(key.mark, file))
                }
                pairs.append((name, location(key.mark, file), try convert(value, file)))
            }
            return LocatedDocument(content: .map(pairs), location: at)
        case .alias:
            throw LocatedError("aliases (*name) are not supported", at: at)
        }
    }

    /// YAML 1.2 core schema for plain scalars: null, booleans, numbers; everything else is text.
    static func plainValue(_ text: String) -> Value {
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        default: break
        }
        guard let first = text.unicodeScalars.first, first == "-" || first == "+" || first == "."
            || ("0"..."9").contains(first), !text.contains(":"), let number = Double(text), number.isFinite
        else { return .string(text) }
        return .number(number)
    }
}

/// A bad input or fixtures document (exit 64, HTTP 422): what is wrong and where.
public struct LocatedError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    /// nil when the problem has no place in a file (e.g. a fixture built in code).
    public var location: SourceLocation?

    public init(_ message: String, at location: SourceLocation? = nil) {
        self.message = message
        self.location = location
    }

    /// `path:line:column: message`.
    public var description: String {
        guard let location else { return message }
        return "\(location.file):\(location.line):\(location.column): \(message)"
    }
}
