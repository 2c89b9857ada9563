public import FlowEngine

/// `ContentVariables`: a JSON object string of template placeholders. Twilio answers 21656 for
/// invalid JSON, null or empty values, or values with newlines or tabs (contracts README §1.2);
/// we refuse those before sending, so the flow sees the same permanent error without a request.
public enum ContentVariables {
    /// A rule a set of variables broke.
    public struct Problem: Error, Sendable, Hashable, CustomStringConvertible {
        public var key: String
        public var reason: String
        public var description: String { "variable \"\(key)\" \(reason)" }
    }

    /// Renders variables (`{"1": "Ana", "2": 3}`) into the JSON string Twilio wants; numbers,
    /// booleans and instants become strings, keys are sorted. The text is what `Value.jsonText`
    /// writes for the object of those strings, written as bytes without building the object.
    public static func encode(_ variables: [String: Value]) -> Result<String, Problem> {
        var members: [(key: String, text: String)] = []
        members.reserveCapacity(variables.count)
        for (key, value) in variables {
            guard !key.isEmpty else { return .failure(Problem(key: key, reason: "has an empty name")) }
            let text: String
            switch value {
            case .null: return .failure(Problem(key: key, reason: "is null"))
            case .array, .object: return .failure(Problem(key: key, reason: "is a \(value.typeName), not text"))
            default: text = value.interpolationText
            }
            if let problem = check(key: key, value: text) { return .failure(problem) }
            members.append((key, text))
        }
        members.sort { $0.key < $1.key }
        var out: [UInt8] = []
        out.reserveCapacity(members.reduce(2) { $0 + $1.key.utf8.count + $1.text.utf8.count + 6 })
        out.append(UInt8(ascii: "{"))
        for (index, member) in members.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            appendJSONString(member.key, to: &out)
            out.append(UInt8(ascii: ":"))
            appendJSONString(member.text, to: &out)
        }
        out.append(UInt8(ascii: "}"))
        return .success(String(decoding: out, as: UTF8.self))
    }

    /// A JSON string literal as `Value.jsonText` writes one: `"` and `\` escaped, `\n`, `\r`, `\t`
    /// by name, other control characters as `\u00xx` (lower-case hex), everything else as is.
    static func appendJSONString(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\")); out.append(byte)
            case 0x0A: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "n"))
            case 0x0D: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "r"))
            case 0x09: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "t"))
            case 0..<0x20:
                for digit in "\\u00".utf8 { out.append(digit) }
                out.append(lowerHex(byte >> 4))
                out.append(lowerHex(byte & 15))
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    private static func lowerHex(_ nibble: UInt8) -> UInt8 { nibble < 10 ? nibble + 48 : nibble + 87 }

    /// The rule for one value, shared with the fake server. A newline, carriage return or tab is
    /// always a character of its own (or `\r\n`), so looking for its byte finds the same values as
    /// looking for the character; ASCII text is blank when every byte is ASCII white space.
    public static func check(key: String, value: String) -> Problem? {
        var ascii = true
        var blank = true
        var breaks = false
        for byte in value.utf8 {
            if byte >= 0x80 { ascii = false }
            if byte == 0x0A || byte == 0x09 || byte == 0x0D { breaks = true }
            if byte != 0x20 && !(0x09...0x0D).contains(byte) { blank = false }
        }
        if (ascii ? blank : value.trimmingSpacesAndNewlines.isEmpty) { return Problem(key: key, reason: "is empty") }
        if breaks { return Problem(key: key, reason: "contains a newline or tab") }
        return nil
    }
}

extension String {
    var trimmingSpacesAndNewlines: Substring {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s = s.dropFirst() }
        while let l = s.last, l.isWhitespace { s = s.dropLast() }
        return s
    }
}
