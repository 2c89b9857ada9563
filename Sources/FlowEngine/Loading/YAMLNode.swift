/// A node of a composed YAML document: a small trivial handle into the document's `YAMLTree`,
/// which holds the node's text, children and position. Copying a node retains nothing, and a
/// whole tree is freed at once (three arrays), however many nodes it has.
///
/// Read a node through its tree (`YAMLTree.string(_:)`, `pairs(_:)`, `items(_:)`, `mark(_:)`)
/// or through a `NodeReader`, which reports problems at the node's line and column.
struct YAMLNode: Equatable {
    enum Kind: UInt8 {
        case scalar, mapping, sequence
    }

    /// Where a node starts (1-based line and column, columns in Unicode scalars).
    struct Mark: Equatable {
        var line: Int
        var column: Int
    }

    /// How a scalar was written. Tags are not kept (scalars are typed by `ScalarResolution`).
    enum Style: UInt8 {
        case plain, singleQuoted, doubleQuoted, literal, folded
    }

    /// The node's record in its tree.
    let index: Int32
    let kind: Kind

    var isScalar: Bool { kind == .scalar }
    var isMapping: Bool { kind == .mapping }
    var isSequence: Bool { kind == .sequence }
}
