/// Reads stored JSON into values: plain JSON, except that an object whose only key is
/// `$instant` or `$duration` is that typed value — what `Value`'s `Codable` conformance reads
/// through `JSONDecoder`, in one pass over the bytes. Accepts any JSON `JSONEncoder` writes
/// (escaped slashes, `\u` escapes and surrogate pairs, exponents, whitespace).
public struct StoredJSONReader {
    /// Nesting deeper than this is rejected rather than risking the stack.
    static let maximumDepth = 512

    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    private var depth = 0

    private init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// The value a whole text holds; anything but whitespace after it is an error.
    public static func value(_ text: String) throws(StoredJSONError) -> Value {
        var text = text
        let result = text.withUTF8 { utf8 in Result { () throws(StoredJSONError) -> Value in try value(utf8) } }
        return try result.get()
    }

    /// The value whole UTF-8 bytes hold.
    public static func value(_ utf8: UnsafeBufferPointer<UInt8>) throws(StoredJSONError) -> Value {
        var reader = StoredJSONReader(utf8)
        let value = try reader.readValue()
        reader.skipSpace()
        guard reader.index == utf8.count else { throw reader.error("unexpected text after the value") }
        return value
    }

    private func error(_ message: String) -> StoredJSONError { StoredJSONError(message, offset: index) }

    private mutating func skipSpace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    private mutating func readValue() throws(StoredJSONError) -> Value {
        skipSpace()
        guard index < bytes.count else { throw error("a value was expected") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try readObject()
        case UInt8(ascii: "["): return try readArray()
        case UInt8(ascii: "\""): return .string(try readString())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        default: return .number(try readNumber())
        }
    }

    private mutating func literal(_ word: StaticString) throws(StoredJSONError) {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count,
              word.withUTF8Buffer({ w in (0..<count).allSatisfy { bytes[index + $0] == w[$0] } })
        else { throw error("invalid literal") }
        index += count
    }

    private mutating func enter() throws(StoredJSONError) {
        depth += 1
        guard depth <= Self.maximumDepth else { throw error("nested deeper than \(Self.maximumDepth) levels") }
    }

    private mutating func readArray() throws(StoredJSONError) -> Value {
        try enter()
        defer { depth -= 1 }
        index += 1
        var items: [Value] = []
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return .array(items)
        }
        while true {
            items.append(try readValue())
            skipSpace()
            guard index < bytes.count else { throw error("unterminated array") }
            let byte = bytes[index]
            index += 1
            if byte == UInt8(ascii: "]") { return .array(items) }
            guard byte == UInt8(ascii: ",") else { throw error("',' or ']' expected in an array") }
        }
    }

    private mutating func readObject() throws(StoredJSONError) -> Value {
        try enter()
        defer { depth -= 1 }
        let start = index
        index += 1
        var members: [String: Value] = [:]
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return .object(members)
        }
        while true {
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw error("a member name was expected") }
            let key = try readString()
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("':' expected after a name") }
            index += 1
            members[key] = try readValue()
            skipSpace()
            guard index < bytes.count else { throw error("unterminated object") }
            let byte = bytes[index]
            index += 1
            if byte == UInt8(ascii: "}") { break }
            guard byte == UInt8(ascii: ",") else { throw error("',' or '}' expected in an object") }
        }
        guard members.count == 1, let (key, tagged) = members.first, key.utf8.first == UInt8(ascii: "$") else {
            return .object(members)
        }
        switch key {
        case "$instant":
            guard case .string(let text) = tagged, let instant = Instant(iso8601: text) else {
                throw StoredJSONError("'$instant' is not an ISO-8601 instant with a zone", offset: start)
            }
            return .instant(instant)
        case "$duration":
            switch tagged {
            case .string(let text):
                guard let span = TimeSpan(parsing: text) else {
                    throw StoredJSONError("'$duration' '\(text)' is not a duration", offset: start)
                }
                return .duration(span)
            case .number(let ms) where ms.rounded() == ms && abs(ms) < 9.0e15:
                return .duration(TimeSpan(milliseconds: Int64(ms)))
            default:
                throw StoredJSONError("'$duration' is not a duration", offset: start)
            }
        default:
            return .object(members)
        }
    }

    private mutating func readString() throws(StoredJSONError) -> String {
        index += 1
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                index += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { break }
            guard byte >= 0x20 else { throw error("control character in a string") }
            index += 1
        }
        var out = Array(UnsafeBufferPointer(rebasing: bytes[start..<index]))
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""): return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"): try readEscape(into: &out)
            case ..<0x20: throw error("control character in a string")
            default: out.append(byte)
            }
        }
        throw error("unterminated string")
    }

    private mutating func readEscape(into out: inout [UInt8]) throws(StoredJSONError) {
        guard index < bytes.count else { throw error("unterminated escape") }
        let byte = bytes[index]
        index += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(byte)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "u"):
            var scalar = try readHex4()
            if (0xD800..<0xDC00).contains(scalar) {
                guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
                else { throw error("unpaired surrogate") }
                index += 2
                let low = try readHex4()
                guard (0xDC00..<0xE000).contains(low) else { throw error("unpaired surrogate") }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00..<0xE000).contains(scalar) {
                throw error("unpaired surrogate")
            }
            out.append(contentsOf: String(Character(Unicode.Scalar(scalar)!)).utf8)
        default:
            throw error("invalid escape")
        }
    }

    private mutating func readHex4() throws(StoredJSONError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw error("short \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            index += 1
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw error("invalid \\u escape")
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    /// JSON's number grammar; integers of up to 15 digits are exact without parsing text.
    private mutating func readNumber() throws(StoredJSONError) -> Double {
        let start = index
        var negative = false
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        let digitsStart = index
        var whole: Int64 = 0
        while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
            if index - digitsStart < 15 { whole = whole * 10 + Int64(bytes[index] - UInt8(ascii: "0")) }
            index += 1
        }
        let digitCount = index - digitsStart
        guard digitCount > 0 else { throw error("a value was expected") }
        guard digitCount == 1 || bytes[digitsStart] != UInt8(ascii: "0") else { throw error("leading zero in a number") }
        var simple = digitCount <= 15
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            simple = false
            index += 1
            let fraction = index
            while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") { index += 1 }
            guard index > fraction else { throw error("digits expected after '.'") }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            simple = false
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            let exponent = index
            while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") { index += 1 }
            guard index > exponent else { throw error("digits expected in an exponent") }
        }
        if simple { return negative ? -Double(whole) : Double(whole) }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        guard let number = Double(text), number.isFinite else {
            throw StoredJSONError("number '\(text)' is out of range", offset: start)
        }
        return number
    }
}
