/// A place in a workflow document: file path plus 1-based line and column.
///
/// Lines and columns are 1-based, as Yams' `Mark` reports them; columns count Unicode scalars.
///
/// A location is a small trivial value (three 32-bit numbers, no reference): the path is
/// interned once in `SourcePaths` and the location keeps its number, so copying a location
/// (every `Located` value holds one) retains and releases nothing.
public struct SourceLocation: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    /// The path's number in `SourcePaths.shared`; equal numbers mean equal paths.
    private(set) var fileID: SourcePaths.ID
    private var storedLine: Int32
    private var storedColumn: Int32

    /// The path of the document as the user named it.
    public var file: String {
        get { SourcePaths.shared.path(fileID) }
        set { fileID = SourcePaths.shared.id(newValue) }
    }

    /// 1-based line.
    public var line: Int {
        get { Int(storedLine) }
        set { storedLine = Int32(clamping: newValue) }
    }

    /// 1-based column, in Unicode scalars.
    public var column: Int {
        get { Int(storedColumn) }
        set { storedColumn = Int32(clamping: newValue) }
    }

    public init(file: String, line: Int, column: Int) {
        self.init(fileID: SourcePaths.shared.id(file), line: line, column: column)
    }

    /// A location in an already interned file (the loader interns each document's path once).
    init(fileID: SourcePaths.ID, line: Int, column: Int) {
        self.fileID = fileID
        self.storedLine = Int32(clamping: line)
        self.storedColumn = Int32(clamping: column)
    }

    /// A location for values that did not come from a document (built-in defaults, API input).
    public static func unknown(_ file: String = "<unknown>") -> SourceLocation {
        SourceLocation(file: file, line: 0, column: 0)
    }

    /// The location `count` columns further on the same line.
    public func advanced(byColumns count: Int) -> SourceLocation {
        SourceLocation(fileID: fileID, line: line, column: column + count)
    }

    public var description: String { "\(file):\(line):\(column)" }

    /// By file path, then line, then column.
    public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        if lhs.fileID != rhs.fileID { return lhs.file < rhs.file }
        return (lhs.storedLine, lhs.storedColumn) < (rhs.storedLine, rhs.storedColumn)
    }

    // MARK: Codable (`{"file", "line", "column"}`, as before interning)

    private enum CodingKeys: String, CodingKey {
        case file, line, column
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            file: try container.decode(String.self, forKey: .file), line: try container.decode(Int.self, forKey: .line),
            column: try container.decode(Int.self, forKey: .column))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(file, forKey: .file)
        try container.encode(line, forKey: .line)
        try container.encode(column, forKey: .column)
    }
}
