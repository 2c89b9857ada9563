import Foundation
import Testing
@testable import FlowRuntime
import FlowEngine

/// Inputs the parsers' fuzz targets (`fuzz/`, `docs/fuzzing.md`) made trap, kept as regressions;
/// the same inputs are under `fuzz/regressions/TARGET/`, which `scripts/fuzz.sh` replays.
@Suite struct FuzzRegressionTests {
    /// base64url without padding, as `PageCursor.encode` writes a cursor.
    static func cursor(_ plain: String) -> String {
        Data(plain.utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// sse-query: a `?cursor=` whose instant is Int64's extreme decoded, and binding it as a
    /// PostgreSQL `timestamptz` (microseconds since 2000) overflowed and trapped the daemon. A cursor's
    /// instant must be one an ISO-8601 text can name (years 0000–9999); others are not cursors (400).
    @Test(arguments: [
        "9223372036854775807.inst-1", "-9223372036854775808.doc-1", "253402300800000.x", "-62167219200001.x",
    ])
    func cursorOutsideTheInstantsOfTextIsRefused(plain: String) {
        #expect(PageCursor.decode(Self.cursor(plain)) == nil)
    }

    /// The range's ends still make cursors, and a cursor encodes back to itself.
    @Test(arguments: [Int64(-62_167_219_200_000), 0, 1_783_400_000_000, 253_402_300_799_999])
    func cursorAtTheEndsOfTheRangeReadsBack(milliseconds: Int64) {
        let cursor = InstanceCursor(createdAt: Instant(epochMilliseconds: milliseconds), id: "inst-1")
        #expect(PageCursor.decode(PageCursor.encode(cursor)) == cursor)
    }

    /// flow-yaml: a document whose lines end with a lone CR (classic Mac) got a diagnostic on a line
    /// the renderer did not know: the parser counts CR as a line break, as YAML says, while the
    /// source lines were split at LF only. Lines now end at LF, CR LF or a lone CR everywhere.
    @Test func loneCRLineBreaksAreLinesOfTheDocument() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("fuzz/regressions/flow-yaml/lone-cr-line-breaks.yaml")
        let file = SourceFile(path: "fuzz.yaml", text: String(decoding: try Data(contentsOf: path), as: UTF8.self))
        let (_, diagnostics) = FlowValidator(catalogue: .standard).validate(file)
        #expect(!diagnostics.isEmpty)
        for diagnostic in diagnostics {
            #expect((1...file.lineCount + 1).contains(diagnostic.location.line), "\(diagnostic)")
        }
        let rendered = DiagnosticRenderer(sources: [file]).render(diagnostics)
        #expect(rendered.contains(" | "), "\(rendered)")
    }

    @Test func linesEndAtLFCRLFOrALoneCR() {
        let file = SourceFile(path: "t.yaml", text: "one\r\ntwo\rthree\nfour")
        #expect(file.lineCount == 4)
        #expect([1, 2, 3, 4, 5].map { file.line($0).map(String.init) } == ["one", "two", "three", "four", nil])
        #expect(SourceFile(path: "e", text: "").lineCount == 1)
        #expect(SourceFile(path: "e", text: "a\n").line(2) == "")
        let error = Diagnostic(.error, DiagnosticCode(rawValue: "Y001"), "boom", at: SourceLocation(file: "t.yaml", line: 3, column: 2))
        #expect(DiagnosticRenderer(sources: [file]).render(error).contains("3 | three"))
    }
}
