/// Writes the stored JSON of values (and of the runtime's records built from them) straight into
/// bytes: the same text `Value`'s `Codable` conformance gives through `JSONEncoder` — instants as
/// `{"$instant":"…Z"}`, durations as `{"$duration":"1h30m"}`, whole numbers without a fraction,
/// object keys sorted — without `JSONEncoder`'s per-value containers and boxing.
/// Slashes are not escaped (`JSONEncoder` writes `\/`; both read back the same).
public struct StoredJSONWriter: Sendable {
    /// The UTF-8 JSON text written so far.
    public private(set) var bytes: [UInt8] = []

    public init(capacity: Int = 512) {
        bytes.reserveCapacity(capacity)
    }

    /// The text written so far.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    /// One value in the stored (typed) form. Throws for NaN and infinite numbers, as `JSONEncoder` does.
    public mutating func write(_ value: Value) throws(StoredJSONError) {
        switch value {
        case .null: raw("null")
        case .bool(let b): raw(b ? "true" : "false")
        case .number(let n): try number(n)
        case .string(let s): string(s)
        case .array(let items):
            bytes.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                try write(item)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let members):
            try object(members) { (writer, member) throws(StoredJSONError) in try writer.write(member) }
        case .instant(let instant):
            raw("{\"$instant\":")
            self.instant(instant)
            bytes.append(UInt8(ascii: "}"))
        case .duration(let span):
            raw("{\"$duration\":")
            string(span.description)
            bytes.append(UInt8(ascii: "}"))
        }
    }

    /// A JSON object of `members`, keys sorted, each member written by `member`.
    public mutating func object<Member>(
        _ members: [String: Member], _ member: (inout StoredJSONWriter, Member) throws(StoredJSONError) -> Void
    ) throws(StoredJSONError) {
        bytes.append(UInt8(ascii: "{"))
        var first = true
        for key in members.keys.sorted() {
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
            string(key)
            bytes.append(UInt8(ascii: ":"))
            try member(&self, members[key]!)
        }
        bytes.append(UInt8(ascii: "}"))
    }

    /// `"name":` — the key of an object member; a comma first unless `first`.
    public mutating func key(_ name: String, first: Bool = false) {
        if !first { bytes.append(UInt8(ascii: ",")) }
        string(name)
        bytes.append(UInt8(ascii: ":"))
    }

    /// Text written as is (punctuation and literals the caller knows to be valid JSON).
    public mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// A whole number as an integer, any other finite number as Swift prints it.
    public mutating func number(_ n: Double) throws(StoredJSONError) {
        guard n.isFinite else { throw StoredJSONError("\(n) cannot be written as JSON", offset: bytes.count) }
        if n.rounded() == n, abs(n) < 9.0e15 { integer(Int64(n)) } else { bytes.append(contentsOf: n.description.utf8) }
    }

    public mutating func integer(_ n: Int64) {
        if n >= 0 && n < 10 {
            bytes.append(UInt8(ascii: "0") + UInt8(n))
            return
        }
        bytes.append(contentsOf: String(n).utf8)
    }

    public mutating func bool(_ b: Bool) { raw(b ? "true" : "false") }

    /// An instant as its ISO-8601 string (`"2026-07-08T10:00:00Z"`, `.mmm` when not whole seconds).
    public mutating func instant(_ instant: Instant) {
        bytes.append(UInt8(ascii: "\""))
        instant.writeISO8601(into: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    /// A JSON string: `"` and `\` escaped, control characters as `\n`, `\t`, … or `\u00XX`.
    public mutating func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            var start = 0
            for index in 0..<utf8.count {
                let byte = utf8[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                if start < index { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<index])) }
                start = index + 1
                bytes.append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(byte)
                case 0x0A: bytes.append(UInt8(ascii: "n"))
                case 0x0D: bytes.append(UInt8(ascii: "r"))
                case 0x09: bytes.append(UInt8(ascii: "t"))
                case 0x08: bytes.append(UInt8(ascii: "b"))
                case 0x0C: bytes.append(UInt8(ascii: "f"))
                default:
                    let hex: [UInt8] = Array("0123456789abcdef".utf8)
                    bytes.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                              hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]])
                }
            }
            if start < utf8.count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start...])) }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}

/// Stored JSON that cannot be written or read: what and at which byte offset.
public struct StoredJSONError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public var offset: Int

    public init(_ message: String, offset: Int) {
        self.message = message
        self.offset = offset
    }

    public var description: String { "stored JSON at byte \(offset): \(message)" }
}

extension Value {
    /// The stored JSON text of this value (as `JSONEncoder` gives it through `Codable`).
    public func storedJSON() throws(StoredJSONError) -> String {
        var writer = StoredJSONWriter(capacity: 128)
        try writer.write(self)
        return writer.text
    }
}
