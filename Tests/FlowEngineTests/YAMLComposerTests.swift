import Testing

@testable import FlowEngine

/// The libyaml event composer: duplicate keys, anchors and aliases, syntax errors, locations.
struct YAMLComposerTests {
    func compose(_ text: String) -> YAMLDocument {
        YAMLDocument(SourceFile(path: "c.yaml", text: text))
    }

    func summary(_ diagnostics: [Diagnostic]) -> [String] {
        diagnostics.sortedByLocation().map {
            "\($0.location.line):\($0.location.column) \($0.code.rawValue) \($0.message)"
        }
    }

    @Test(arguments: [
        // Block mapping: every later duplicate is reported at itself, the first value is kept.
        (
            "a: 1\nb: 2\na: 3\na: 4\n",
            ["3:1 Y002 duplicate key 'a' (first at line 1)", "4:1 Y002 duplicate key 'a' (first at line 1)"]
        ),
        // Flow mapping on one line, and a nested mapping.
        ("x: { k: 1, k: 2 }\n", ["1:12 Y002 duplicate key 'k' (first at line 1)"]),
        ("outer:\n  inner: 1\n  inner: 2\nouter2: 3\n", ["3:3 Y002 duplicate key 'inner' (first at line 2)"]),
        // Quoted and plain spellings of the same key are the same key.
        ("\"q\": 1\nq: 2\n", ["2:1 Y002 duplicate key 'q' (first at line 1)"]),
    ])
    func duplicateKeys(text: String, expected: [String]) throws {
        let document = compose(text)
        #expect(summary(document.diagnostics) == expected)
        let tree = document.tree
        let root = try #require(document.root)
        #expect(root.isMapping)
        let pairs = tree.pairs(root)
        #expect(Set(pairs.compactMap { tree.scalar($0.key) }).count == pairs.count)
    }

    @Test func duplicateInLargeMappingUsesTheTable() throws {
        let keys = (0..<40).map { "k\($0): \($0)" } + ["k3: again", "k39: again"]
        let document = compose(keys.joined(separator: "\n"))
        #expect(summary(document.diagnostics) == [
            "41:1 Y002 duplicate key 'k3' (first at line 4)", "42:1 Y002 duplicate key 'k39' (first at line 40)",
        ])
        let tree = document.tree
        let root = try #require(document.root)
        #expect(tree.count(root) == 40)
        #expect(tree.scalar(tree.value(root, 3)) == "3")
    }

    @Test func anchorsAndAliasesAreReportedWhereWritten() throws {
        let document = compose("a: &x\n  k: 1\nb: *x\nlist:\n  - *x\n")
        // A list item that is an alias is reported at the anchored node (it has no key).
        #expect(summary(document.diagnostics).sorted() == [
            "1:4 Y008 YAML aliases are not allowed in flows (the value repeats line 1)",
            "1:4 Y008 YAML anchors are not allowed in flows; repeat the value instead",
            "3:1 Y008 YAML aliases are not allowed in flows (the value repeats line 1)",
        ])
        // The alias still reads as the anchored mapping.
        let tree = document.tree
        let root = try #require(document.root)
        let b = tree.value(root, 1)
        #expect(b.isMapping)
        #expect(tree.pairs(b).first.flatMap { tree.scalar($0.key) } == "k")
        #expect(tree.items(tree.value(root, 2)) == [b])
    }

    @Test(arguments: [
        ("a: *nowhere\n", "1:4 Y001 found undefined alias"),
        (
            "a: 1\n---\nb: 2\n",
            "2:1 Y001 but found another document (expected a single document in the stream at line 1)"
        ),
        ("a: [1, 2\n", "2:1 Y001 did not find expected ',' or ']' (while parsing a flow sequence at line 1)"),
        ("a: b: c\n", "1:5 Y001 mapping values are not allowed in this context"),
    ])
    func syntaxErrors(text: String, expected: String) {
        let document = compose(text)
        #expect(document.root == nil)
        #expect(summary(document.diagnostics) == [expected])
    }

    @Test func emptyDocumentAndLocations() throws {
        #expect(summary(compose("# only a comment\n").diagnostics) == ["1:1 Y007 the document is empty"])
        let document = compose("top:\n  - 'quoted'\n  - plain ü\n  - é: x\n")
        #expect(document.diagnostics.isEmpty)
        let tree = document.tree
        let root = try #require(document.root)
        let list = tree.value(root, 0)
        #expect(list.isSequence)
        let items = tree.items(list)
        #expect(items.map { tree.mark($0).line } == [2, 3, 4])
        #expect(items.map { tree.mark($0).column } == [5, 5, 5])
        #expect(tree.style(items[0]) == .singleQuoted)
        #expect(tree.scalar(items[0]) == "quoted")
        #expect(tree.scalar(items[1]) == "plain ü")
        #expect(tree.scalar(items[1], equals: "plain ü"))
        #expect(!tree.scalar(items[1], equals: "plain u"))
        #expect(items[2].isMapping)
        #expect(tree.mark(tree.value(items[2], 0)).column == 8)  // columns count characters, not bytes
    }
}
