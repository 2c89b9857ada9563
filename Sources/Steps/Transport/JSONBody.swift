public import FlowEngine

/// Reads a JSON response body straight into a `Value` (RFC 8259: objects, arrays, strings with
/// escapes and surrogate pairs, numbers as `Double`, `true`/`false`/`null`), without the
/// `Codable` round trip of `JSONDecoder`. Provider bodies are plain JSON: an object such as
/// `{"$instant": …}` stays an object. Nil for malformed input, trailing text or nesting deeper than 512.
public enum JSONBody {
    /// The value the body holds, or nil when it is not one well-formed JSON value.
    public static func parse(_ bytes: [UInt8]) -> Value? {
        bytes.withUnsafeBufferPointer { buffer in
            var reader = Reader(bytes: buffer)
            guard let value = reader.value(depth: 0) else { return nil }
            reader.skipSpace()
            guard reader.index == buffer.count else { return Value?.none }
            return value
        }
    }

    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        mutating func skipSpace() {
            while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D
                || bytes[index] == 0x09 {
                index += 1
            }
        }

        mutating func value(depth: Int) -> Value? {
            guard depth < 512 else { return nil }
            skipSpace()
            guard index < bytes.count else { return nil }
            switch bytes[index] {
            case UInt8(ascii: "{"): return object(depth: depth)
            case UInt8(ascii: "["): return array(depth: depth)
            case UInt8(ascii: "\""): return string().map(Value.string)
            case UInt8(ascii: "t"): return literal("true", .bool(true))
            case UInt8(ascii: "f"): return literal("false", .bool(false))
            case UInt8(ascii: "n"): return literal("null", .null)
            default: return number()
            }
        }

        /// Members are collected in order and the dictionary is built once at its final size
        /// (growing it member by member rehashes a 30-key flight object five times); a repeated
        /// key keeps its last value, as assigning in order did.
        mutating func object(depth: Int) -> Value? {
            index += 1
            skipSpace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                index += 1
                return .object([:])
            }
            var members: [(String, Value)] = []
            members.reserveCapacity(8)
            while true {
                skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\""), let key = string() else { return nil }
                skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
                index += 1
                guard let member = value(depth: depth + 1) else { return nil }
                members.append((key, member))
                skipSpace()
                guard index < bytes.count else { return nil }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                guard bytes[index] == UInt8(ascii: "}") else { return nil }
                index += 1
                return .object(Dictionary(members, uniquingKeysWith: { _, last in last }))
            }
        }

        mutating func array(depth: Int) -> Value? {
            index += 1
            var items: [Value] = []
            skipSpace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                index += 1
                return .array(items)
            }
            while true {
                guard let item = value(depth: depth + 1) else { return nil }
                items.append(item)
                skipSpace()
                guard index < bytes.count else { return nil }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                guard bytes[index] == UInt8(ascii: "]") else { return nil }
                index += 1
                return .array(items)
            }
        }

        mutating func literal(_ word: StaticString, _ result: Value) -> Value? {
            let count = word.utf8CodeUnitCount
            guard index + count <= bytes.count else { return nil }
            let expected = UnsafeBufferPointer(start: word.utf8Start, count: count)
            for k in 0..<count where bytes[index + k] != expected[k] { return nil }
            index += count
            return result
        }

        /// At the opening quote.
        mutating func string() -> String? {
            index += 1
            let start = index
            while index < bytes.count {
                let c = bytes[index]
                if c == UInt8(ascii: "\"") {
                    let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                    index += 1
                    return text
                }
                if c == UInt8(ascii: "\\") { return escapedString(from: start) }
                guard c >= 0x20 else { return nil }
                index += 1
            }
            return nil
        }

        /// The slow path once a backslash is seen: decodes escapes into a byte buffer.
        mutating func escapedString(from start: Int) -> String? {
            var out = Array(bytes[start..<index])
            while index < bytes.count {
                let c = bytes[index]
                index += 1
                switch c {
                case UInt8(ascii: "\""):
                    return String(decoding: out, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    guard index < bytes.count else { return nil }
                    let e = bytes[index]
                    index += 1
                    switch e {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                    case UInt8(ascii: "b"): out.append(0x08)
                    case UInt8(ascii: "f"): out.append(0x0C)
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "u"):
                        guard var scalar = hex4() else { return nil }
                        if (0xD800..<0xDC00).contains(scalar) {
                            guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
                                  bytes[index + 1] == UInt8(ascii: "u")
                            else { return nil }
                            index += 2
                            guard let low = hex4(), (0xDC00..<0xE000).contains(low) else { return nil }
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        }
                        guard let unicode = Unicode.Scalar(scalar) else { return nil }
                        out.append(contentsOf: UTF8.encode(unicode)!)
                    default: return nil
                    }
                default:
                    guard c >= 0x20 else { return nil }
                    out.append(c)
                }
            }
            return nil
        }

        mutating func hex4() -> UInt32? {
            guard index + 4 <= bytes.count else { return nil }
            var v: UInt32 = 0
            for _ in 0..<4 {
                let c = bytes[index]
                let digit: UInt32
                switch c {
                case 0x30...0x39: digit = UInt32(c - 0x30)
                case 0x41...0x46: digit = UInt32(c - 0x41 + 10)
                case 0x61...0x66: digit = UInt32(c - 0x61 + 10)
                default: return nil
                }
                v = v * 16 + digit
                index += 1
            }
            return v
        }

        /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
        mutating func number() -> Value? {
            let start = index
            func digits() -> Int {
                let from = index
                while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 { index += 1 }
                return index - from
            }
            let negative = index < bytes.count && bytes[index] == UInt8(ascii: "-")
            if negative { index += 1 }
            let leadingZero = index < bytes.count && bytes[index] == 0x30
            let whole = digits()
            guard whole > 0, !(leadingZero && whole > 1) else { return nil }
            let wholeEnd = index
            let fraction = index < bytes.count && bytes[index] == UInt8(ascii: ".")
            if fraction {
                index += 1
                guard digits() > 0 else { return nil }
            }
            let exponent = index < bytes.count
                && (bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E"))
            if exponent {
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
                guard digits() > 0 else { return nil }
            }
            // A whole number of up to 15 digits is exact as a Double: no text and no `strtod`
            // (`-0` stays negative zero, as `Double("-0")` reads it).
            if !fraction, !exponent, whole <= 15 {
                var magnitude: Int64 = 0
                for k in (wholeEnd - whole)..<wholeEnd {
                    magnitude = magnitude * 10 + Int64(bytes[k] - 0x30)
                }
                return .number(negative ? -Double(magnitude) : Double(magnitude))
            }
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
            guard let number = Double(text), number.isFinite else { return nil }
            return .number(number)
        }
    }
}
