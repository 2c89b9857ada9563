import Foundation
import Testing
import Yams

/// The YAML examples of the documentation parse: a reader copies them.
@Suite("Documentation YAML")
struct DocumentationYAMLTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Every document with YAML examples, except `docs/diagnostics.md`, whose examples are broken on purpose.
    static let documents = ["README.md"] + ((try? FileManager.default.contentsOfDirectory(atPath: root.path + "/docs")) ?? [])
        .filter { $0.hasSuffix(".md") && $0 != "diagnostics.md" }.sorted().map { "docs/" + $0 }

    /// The ```yaml blocks of `text`, with the line each starts on.
    static func yamlBlocks(_ text: String) -> [(line: Int, text: String)] {
        var blocks: [(Int, String)] = []
        var current: [Substring]?
        var start = 0
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if current == nil, line.trimmingCharacters(in: .whitespaces) == "```yaml" {
                current = []
                start = index + 2
            } else if let lines = current, line.trimmingCharacters(in: .whitespaces) == "```" {
                blocks.append((start, lines.joined(separator: "\n")))
                current = nil
            } else {
                current?.append(line)
            }
        }
        return blocks
    }

    @Test("every yaml example parses", arguments: documents)
    func parses(document: String) throws {
        let text = try String(contentsOf: Self.root.appendingPathComponent(document), encoding: .utf8)
        for block in Self.yamlBlocks(text) {
            #expect(throws: Never.self, "\(document):\(block.line)") { _ = try Yams.load(yaml: block.text) }
        }
    }

    @Test("the docs have yaml examples to check")
    func found() throws {
        let text = try String(contentsOf: Self.root.appendingPathComponent("docs/language.md"), encoding: .utf8)
        #expect(Self.yamlBlocks(text).count >= 10)
        #expect(Self.documents.contains("docs/language.md"))
    }
}
