import FlowEngine
import Foundation
@testable import Steps
import Testing

struct JSONBodyTests {
    @Test(arguments: [
        #"{"flights":[{"ident":"BAW245","progress_percent":42.5,"cancelled":false,"gate_origin":null}],"num_pages":1}"#,
        #"  [1, -2, 3.25, 1e3, -0.5E-2, 0, true, false, null, "x"]  "#,
        #"{"text":"caf\u00e9 \"quoted\" \\ back\/slash \n\t end \ud83d\ude00","empty":"","nested":{"a":{"b":[[]]}}}"#,
        #"{}"#, #"[]"#, #""só UTF-8 ✈""#, #"12345678901"#,
    ])
    func matchesJSONDecoder(text: String) throws {
        let expected = try JSONDecoder().decode(Value.self, from: Data(text.utf8))
        #expect(JSONBody.parse(Array(text.utf8)) == expected)
    }

    @Test(arguments: [
        "", "   ", "{", "[1,]", #"{"a":1,}"#, #"{"a" 1}"#, "01", "-", "1.", ".5", "1e", "+1", "tru", "nul",
        #""unterminated"#, #""bad \q escape""#, #""\ud83d alone""#, "[1] 2", "{\"a\":\"line\nbreak\"}", "NaN",
        String(repeating: "[", count: 600) + String(repeating: "]", count: 600),
    ])
    func rejectsMalformed(text: String) {
        #expect(JSONBody.parse(Array(text.utf8)) == nil)
    }

    @Test func keepsTaggedObjectsPlain() {
        #expect(JSONBody.parse(Array(#"{"$instant":"2026-07-08T10:00:00Z"}"#.utf8))
            == .object(["$instant": .string("2026-07-08T10:00:00Z")]))
    }
}
