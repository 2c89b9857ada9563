/// The nodes of one composed YAML document, stored flat: one record per node, the children of
/// every mapping and list in one index array, and the bytes of every scalar in one buffer.
///
/// A mapping's children are its keys and values, alternating, in document order (duplicated
/// keys were dropped when composing); an alias is the index of its anchored node again.
struct YAMLTree {
    struct Record {
        var line: Int32
        var column: Int32
        /// A scalar's first byte in `text`; a mapping's or list's first entry in `children`.
        var first: Int32
        /// A scalar's byte count, a mapping's pair count, a list's item count.
        var count: Int32
        var kind: YAMLNode.Kind
        var style: YAMLNode.Style
    }

    var records: [Record] = []
    var children: [Int32] = []
    var text: [UInt8] = []

    func node(_ index: Int32) -> YAMLNode { YAMLNode(index: index, kind: records[Int(index)].kind) }

    func mark(_ node: YAMLNode) -> YAMLNode.Mark {
        let record = records[Int(node.index)]
        return YAMLNode.Mark(line: Int(record.line), column: Int(record.column))
    }

    /// A scalar's style (`.plain` for mappings and lists).
    func style(_ node: YAMLNode) -> YAMLNode.Style { records[Int(node.index)].style }

    /// A scalar's text ("" for mappings and lists).
    func string(_ node: YAMLNode) -> String {
        guard node.kind == .scalar else { return "" }
        let record = records[Int(node.index)]
        return text.withUnsafeBufferPointer { buffer in
            String(decoding: UnsafeBufferPointer(rebasing: buffer[Int(record.first)..<Int(record.first + record.count)]),
                   as: UTF8.self)
        }
    }

    /// The scalar's text, or nil for mappings and lists.
    func scalar(_ node: YAMLNode) -> String? { node.kind == .scalar ? string(node) : nil }

    /// Whether a scalar's text equals `other`, comparing bytes (no string is made).
    func scalar(_ node: YAMLNode, equals other: String) -> Bool {
        guard node.kind == .scalar else { return false }
        let record = records[Int(node.index)]
        var other = other
        return other.withUTF8 { expected in
            guard expected.count == Int(record.count) else { return false }
            return text.withUnsafeBufferPointer { buffer in
                let start = Int(record.first)
                for offset in 0..<expected.count where buffer[start + offset] != expected[offset] { return false }
                return true
            }
        }
    }

    /// The number of pairs of a mapping or items of a list (0 for scalars).
    func count(_ node: YAMLNode) -> Int { node.kind == .scalar ? 0 : Int(records[Int(node.index)].count) }

    /// The key of a mapping's pair number `pair`.
    func key(_ mapping: YAMLNode, _ pair: Int) -> YAMLNode {
        node(children[Int(records[Int(mapping.index)].first) + 2 * pair])
    }

    /// The value of a mapping's pair number `pair`.
    func value(_ mapping: YAMLNode, _ pair: Int) -> YAMLNode {
        node(children[Int(records[Int(mapping.index)].first) + 2 * pair + 1])
    }

    /// A mapping's pairs, in document order (empty for scalars and lists).
    func pairs(_ node: YAMLNode) -> [(key: YAMLNode, value: YAMLNode)] {
        guard node.kind == .mapping else { return [] }
        let record = records[Int(node.index)]
        let first = Int(record.first)
        return (0..<Int(record.count)).map { pair in
            (self.node(children[first + 2 * pair]), self.node(children[first + 2 * pair + 1]))
        }
    }

    /// A list's items, in document order (empty for scalars and mappings).
    func items(_ node: YAMLNode) -> [YAMLNode] {
        guard node.kind == .sequence else { return [] }
        let record = records[Int(node.index)]
        let first = Int(record.first)
        return (first..<first + Int(record.count)).map { self.node(children[$0]) }
    }
}
