import FlowEngine
import Foundation
@testable import Steps
import Testing

/// The byte-level fast paths of the provider steps (form encoding, `ContentVariables`, the
/// Twilio Message resource, whole numbers in `JSONBody`, flight idents) must give exactly what
/// the general code they replace gave: each is compared with that code, kept here as reference.
struct ProviderBytesEquivalenceTests {
    static let texts = [
        "", "plain", "two words", "whatsapp:+447700900123", "a&b=c+d%e", "~-_.", "!*'();:@&=+$,/?#[]",
        "Ana María ✈ 22:05", "{\"1\":\"Ana\",\"2\":\"22:05\"}", "línea\nnueva\ttab\r\n", "\u{00A0}\u{1F600}", "é",
        "e\u{301}", "https://example.com/x?y=1&z=2",
    ]

    /// The escaping `FormEncoding` did before it wrote bytes (one string per byte).
    static func escapeByScalars(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: " "):
                out += "+"
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return out
    }

    @Test(arguments: texts)
    func formEncodingEscapesAsBefore(_ text: String) {
        #expect(FormEncoding.escape(text) == Self.escapeByScalars(text))
        let decoded = FormEncoding.decode(FormEncoding.encode([(text, text)]))
        #expect(decoded.map { $0.map { [$0.0, $0.1] } } == [[text, text]])
    }

    @Test func formEncodingJoinsFieldsAsBefore() {
        let fields = Self.texts.enumerated().map { ("Field \($0.offset)", $0.element) }
        let expected = fields.map { Self.escapeByScalars($0.0) + "=" + Self.escapeByScalars($0.1) }
            .joined(separator: "&")
        #expect(FormEncoding.encode(fields) == expected)
        #expect(FormEncoding.encode([]) == "")
        #expect(FormEncoding.encode([("", "")]) == "=")
    }

    /// `ContentVariables.check` before: by characters.
    static func checkByCharacters(_ value: String) -> String? {
        if value.trimmingSpacesAndNewlines.isEmpty { return "is empty" }
        if value.contains(where: { $0 == "\n" || $0 == "\t" || $0 == "\r" || $0 == "\r\n" }) {
            return "contains a newline or tab"
        }
        return nil
    }

    @Test(arguments: texts + [
        " ", "\t \n", "\r\n", "\u{000B}\u{000C}", "\u{00A0}", " \u{2003} ", "x\r", "\u{85}", "a\u{301}\n",
    ])
    func contentVariablesCheckAsBefore(_ value: String) {
        #expect(ContentVariables.check(key: "1", value: value)?.reason == Self.checkByCharacters(value))
    }

    @Test(arguments: [
        ["1": "Ana", "2": "22:05", "10": "BA245"],
        ["1": #"say "hi" \ back\slash"#, "2": "ünïcode ✈ \u{1F600}", "3": "bell \u{07} and \u{1F}"],
        ["zeta": "z", "Alpha": "a", "éclair": "e", "": "x"],
        [:],
    ] as [[String: String]])
    func contentVariablesJSONAsBefore(_ strings: [String: String]) throws {
        let variables = strings.mapValues(Value.string)
        let expected = Value.object(variables).jsonText
        let problemKey = strings.first { ContentVariables.check(key: $0.key, value: $0.value) != nil || $0.key.isEmpty }
        if problemKey == nil {
            #expect(try ContentVariables.encode(variables).get() == expected)
        } else {
            #expect(throws: ContentVariables.Problem.self) { try ContentVariables.encode(variables).get() }
        }
    }

    @Test func contentVariablesNumbersAndInstantsAsText() throws {
        let departure = try #require(Instant(iso8601: "2026-07-08T21:05:00Z"))
        let variables: [String: Value] = ["1": 3, "2": 2.5, "3": true, "4": .instant(departure)]
        #expect(try ContentVariables.encode(variables).get()
            == #"{"1":"3","2":"2.5","3":"true","4":"2026-07-08T21:05:00Z"}"#)
    }

    @Test(arguments: [
        #"{"sid":"SM00000000000000000000000000000001","status":"queued"}"#,
        #"{"sid":"SM1","status":null,"to":"whatsapp:+1","from":"whatsapp:+2","body":"hola \u00e9","#
            + #""direction":"outbound-api","messaging_service_sid":"MG1","error_code":21211,"error_message":"x","#
            + #""date_created":"Thu, 24 Aug 2023 05:01:45 +0000","extra":[1,{"a":2}]}"#,
        #"{"sid":"SM1","error_code":null,"date_created":"not a date"}"#,
        #"{"sid":"SM1","error_code":21211.0}"#,
        #"{"sid":"SM1","error_code":2.5}"#,
        #"{"sid":"SM1","error_code":"21211"}"#,
        #"{"sid":"SM1","status":3}"#,
        #"{"sid":null}"#, #"{"status":"queued"}"#, #"{"sid":7}"#, #"["SM1"]"#, #""SM1""#,
    ])
    func twilioMessageReadsAsJSONDecoder(_ text: String) throws {
        let expected = try? JSONDecoder().decode(TwilioMessage.self, from: Data(text.utf8))
        let parsed = try #require(JSONBody.parse(Array(text.utf8)))
        #expect(TwilioMessage(json: parsed) == expected)
    }

    @Test(arguments: [
        "0", "-0", "7", "-15", "100", "123456789012345", "-999999999999999", "1234567890123456",
        "99999999999999999999", "0.0", "-0.0", "1.5", "1e2", "-2E-3",
    ])
    func jsonBodyNumbersAsDouble(_ text: String) throws {
        let expected = try #require(Double(text))
        let parsed = try #require(JSONBody.parse(Array(text.utf8))?.numberValue)
        #expect(parsed.bitPattern == expected.bitPattern)
    }

    @Test(arguments: [
        "BA245", "ba-245", "LH400", "-", "BA 245", "BA/245", "BA245!", "ÅB12", "BA2٤5", "e\u{301}1", "BA245\r\n",
        "AB\u{1F600}",
    ])
    func identCheckAsBefore(_ ident: String) {
        #expect(AeroAPIFlightStep.isIdent(ident) == ident.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" })
    }
}
