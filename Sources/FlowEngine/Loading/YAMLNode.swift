/// A composed YAML node: the text of scalars, the items of lists and the pairs of mappings,
/// each with the 1-based line and column where it starts. Tags are not kept (scalars are typed
/// by `ScalarResolution`), so a tree holds no reference types besides its arrays and strings.
enum YAMLNode {
    case scalar(Scalar)
    case mapping(Mapping)
    case sequence(List)

    /// Where a node starts (1-based line and column, columns in Unicode scalars).
    struct Mark {
        var line: Int
        var column: Int
    }

    struct Scalar {
        enum Style {
            case plain, singleQuoted, doubleQuoted, literal, folded
        }

        var string: String
        var style: Style
        var mark: Mark
    }

    /// A mapping's pairs in document order; duplicated keys were dropped when composing.
    struct Mapping: RandomAccessCollection {
        /// A struct, not a tuple: arrays of tuples copy and destroy through the runtime's
        /// generic tuple witnesses, which showed up in profiles.
        struct Pair {
            var key: YAMLNode
            var value: YAMLNode
        }

        var pairs: [Pair]
        var mark: Mark

        var startIndex: Int { pairs.startIndex }
        var endIndex: Int { pairs.endIndex }
        subscript(position: Int) -> (key: YAMLNode, value: YAMLNode) {
            let pair = pairs[position]
            return (pair.key, pair.value)
        }
    }

    struct List: RandomAccessCollection {
        var items: [YAMLNode]
        var mark: Mark

        var startIndex: Int { items.startIndex }
        var endIndex: Int { items.endIndex }
        subscript(position: Int) -> YAMLNode { items[position] }
    }

    var mark: Mark {
        switch self {
        case .scalar(let scalar): scalar.mark
        case .mapping(let mapping): mapping.mark
        case .sequence(let list): list.mark
        }
    }

    /// The scalar's payload, nil for lists and mappings.
    var scalar: Scalar? {
        if case .scalar(let scalar) = self { return scalar }
        return nil
    }
}
