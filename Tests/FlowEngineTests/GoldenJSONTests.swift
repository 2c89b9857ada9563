import Foundation
import Testing

@testable import FlowEngine

/// `flowctl validate --format json`: `[{"file","line","column","severity","code","message"}]`,
/// checked by parsing the output back for every golden fixture.
struct GoldenJSONTests {
    static let keys: Set<String> = ["file", "line", "column", "severity", "code", "message"]

    func objects(_ text: String) throws -> [[String: Any]] {
        let parsed = try JSONSerialization.jsonObject(with: Data(text.utf8))
        return try #require(parsed as? [[String: Any]])
    }

    @Test(arguments: GoldenDiagnosticsTests.fixtureNames)
    func everyFixtureRoundTrips(_ name: String) throws {
        let diagnostics = try GoldenDiagnosticsTests.render(name).diagnostics
        let objects = try objects(DiagnosticRenderer.json(diagnostics))
        #expect(objects.count == diagnostics.count)
        for (object, diagnostic) in zip(objects, diagnostics) {
            #expect(Set(object.keys) == Self.keys)
            #expect(object["file"] as? String == diagnostic.location.file)
            #expect(object["line"] as? Int == diagnostic.location.line)
            #expect(object["column"] as? Int == diagnostic.location.column)
            #expect(object["severity"] as? String == diagnostic.severity.rawValue)
            #expect(object["code"] as? String == diagnostic.code.rawValue)
            #expect(object["message"] as? String == diagnostic.message)
        }
    }

    @Test func escapesQuotesBackslashesAndControlCharacters() throws {
        let message = "say \"hi\"\\ then\nnext\ttab \u{01} ü"
        let at = SourceLocation(file: "dir/\"odd\".yaml", line: 3, column: 7)
        let json = DiagnosticRenderer.json([.error(.yamlSyntax, message, at: at), .warning(.unreachableState, "w", at: at)])
        let objects = try objects(json)
        #expect(objects.count == 2)
        #expect(objects[0]["message"] as? String == message)
        #expect(objects[0]["file"] as? String == "dir/\"odd\".yaml")
        #expect(objects[0]["severity"] as? String == "error")
        #expect(objects[1]["severity"] as? String == "warning")
        #expect(DiagnosticRenderer.json([]) == "[]")
    }
}
