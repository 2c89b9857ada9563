/// The text of one `${{ … }}` expression and where its first character stands in the document.
public struct ExpressionSource: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The expression without the `${{` and `}}` delimiters.
    public var text: String {
        didSet { compiled = ExpressionCache.shared.compiled(text) }
    }
    /// Location of the first character of `text`.
    public var location: SourceLocation
    /// `text` parsed once, when the source is made (shared by equal texts); not part of equality
    /// or coding (`ExpressionSource+Compiled.swift`).
    private(set) var compiled: CompiledExpression

    public init(_ text: String, at location: SourceLocation) {
        self.text = text
        self.location = location
        self.compiled = ExpressionCache.shared.compiled(text)
    }

    public var description: String { "${{ \(text) }}" }
}

/// A value in a flow document that may contain expressions, evaluated when the state runs.
///
/// - A whole-value expression (`to: ${{ input.trip.whatsapp }}`) keeps the expression's type.
/// - A string with embedded expressions (`"Hola ${{ input.name }}"`) is always a string.
/// - Lists and objects nest templates; anything without `${{` is a literal.
public indirect enum ValueTemplate: Sendable, Hashable {
    public enum Part: Sendable, Hashable {
        case text(String)
        case expression(ExpressionSource)
    }

    public struct Member: Sendable, Hashable {
        public var key: Located<String>
        public var value: ValueTemplate

        public init(key: Located<String>, value: ValueTemplate) {
            self.key = key
            self.value = value
        }
    }

    case literal(Value, SourceLocation)
    case expression(ExpressionSource)
    case interpolation([Part], SourceLocation)
    case list([ValueTemplate], SourceLocation)
    case object([Member], SourceLocation)

    public var location: SourceLocation {
        switch self {
        case .literal(_, let l), .interpolation(_, let l), .list(_, let l), .object(_, let l): l
        case .expression(let e): e.location
        }
    }

    /// Every expression inside, in document order.
    public var expressions: [ExpressionSource] {
        switch self {
        case .literal: []
        case .expression(let e): [e]
        case .interpolation(let parts, _):
            parts.compactMap { if case .expression(let e) = $0 { e } else { nil } }
        case .list(let items, _): items.flatMap(\.expressions)
        case .object(let members, _): members.flatMap(\.value.expressions)
        }
    }

    /// The value when the template holds no expression at all.
    public var literalValue: Value? {
        switch self {
        case .literal(let v, _): v
        case .expression, .interpolation: nil
        case .list(let items, _):
            items.allSatisfy { $0.literalValue != nil } ? .array(items.map { $0.literalValue! }) : nil
        case .object(let members, _):
            members.allSatisfy { $0.value.literalValue != nil }
                ? .object(Dictionary(members.map { ($0.key.value, $0.value.literalValue!) }, uniquingKeysWith: { $1 }))
                : nil
        }
    }
}
