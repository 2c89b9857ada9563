/// `application/x-www-form-urlencoded`, as Twilio speaks it: ordered, repeatable fields.
public enum FormEncoding {
    /// Encodes fields in order; spaces become `+`, everything but unreserved characters is escaped.
    /// Written as bytes straight into the string's storage (at most three bytes per input byte).
    public static func encode(_ fields: [(String, String)]) -> String {
        var capacity = fields.count
        for (name, value) in fields { capacity += 3 * (name.utf8.count + value.utf8.count) + 1 }
        return String(unsafeUninitializedCapacity: capacity) { buffer in
            var count = 0
            for (index, field) in fields.enumerated() {
                if index > 0 {
                    buffer[count] = UInt8(ascii: "&")
                    count += 1
                }
                count = write(field.0, into: buffer, at: count)
                buffer[count] = UInt8(ascii: "=")
                count += 1
                count = write(field.1, into: buffer, at: count)
            }
            return count
        }
    }

    /// Decodes a body or query into ordered fields. Nil when an escape is malformed or the bytes
    /// are not UTF-8.
    public static func decode(_ text: String) -> [(String, String)]? {
        guard !text.isEmpty else { return [] }
        var out: [(String, String)] = []
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = unescape(parts[0]) else { return nil }
            guard let value = parts.count > 1 ? unescape(parts[1]) : "" else { return nil }
            out.append((name, value))
        }
        return out
    }

    /// Percent-encodes one name or value (RFC 3986 unreserved characters stay, space is `+`).
    public static func escape(_ text: String) -> String {
        String(unsafeUninitializedCapacity: 3 * text.utf8.count) { buffer in write(text, into: buffer, at: 0) }
    }

    /// Writes `text` escaped into `buffer` from `start` (room for three bytes per byte of `text`
    /// needed); returns the index after the last byte written. Escapes use upper-case hex digits.
    private static func write(_ text: String, into buffer: UnsafeMutableBufferPointer<UInt8>, at start: Int) -> Int {
        var count = start
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                UInt8(ascii: "~"):
                buffer[count] = byte
                count += 1
            case UInt8(ascii: " "):
                buffer[count] = UInt8(ascii: "+")
                count += 1
            default:
                buffer[count] = UInt8(ascii: "%")
                buffer[count + 1] = hexDigit(byte >> 4)
                buffer[count + 2] = hexDigit(byte & 0xF)
                count += 3
            }
        }
        return count
    }

    static func unescape(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        var utf8 = Array(text.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%") {
                guard let hi = utf8.popFirst().flatMap(nibble), let lo = utf8.popFirst().flatMap(nibble) else { return nil }
                bytes.append(hi << 4 | lo)
            } else {
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? nibble + 48 : nibble + 55
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - 48
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - 87
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - 55
        default: nil
        }
    }
}
