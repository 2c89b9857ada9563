/// A place in a workflow document: file path plus 1-based line and column.
///
/// Lines and columns are 1-based, as Yams' `Mark` reports them; columns count Unicode scalars.
public struct SourceLocation: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    /// The path of the document as the user named it.
    public var file: String
    /// 1-based line.
    public var line: Int
    /// 1-based column, in Unicode scalars.
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// A location for values that did not come from a document (built-in defaults, API input).
    public static func unknown(_ file: String = "<unknown>") -> SourceLocation {
        SourceLocation(file: file, line: 0, column: 0)
    }

    /// The location `count` columns further on the same line.
    public func advanced(byColumns count: Int) -> SourceLocation {
        SourceLocation(file: file, line: line, column: column + count)
    }

    public var description: String { "\(file):\(line):\(column)" }

    public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        (lhs.file, lhs.line, lhs.column) < (rhs.file, rhs.line, rhs.column)
    }
}
