extension Value: Codable {
    private struct TagKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: any Decoder) throws {
        if let container = try? decoder.container(keyedBy: TagKey.self) {
            let keys = container.allKeys
            if keys.count == 1, keys[0].stringValue == "$instant" {
                self = .instant(try container.decode(Instant.self, forKey: keys[0]))
                return
            }
            if keys.count == 1, keys[0].stringValue == "$duration" {
                self = .duration(try container.decode(TimeSpan.self, forKey: keys[0]))
                return
            }
            var members: [String: Value] = [:]
            for key in keys { members[key.stringValue] = try container.decode(Value.self, forKey: key) }
            self = .object(members)
            return
        }
        if var list = try? decoder.unkeyedContainer() {
            var items: [Value] = []
            while !list.isAtEnd { items.append(try list.decode(Value.self)) }
            self = .array(items)
            return
        }
        let single = try decoder.singleValueContainer()
        if single.decodeNil() { self = .null }
        else if let b = try? single.decode(Bool.self) { self = .bool(b) }
        else if let n = try? single.decode(Double.self) { self = .number(n) }
        else { self = .string(try single.decode(String.self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .null:
            var c = encoder.singleValueContainer()
            try c.encodeNil()
        case .bool(let b):
            var c = encoder.singleValueContainer()
            try c.encode(b)
        case .number(let n):
            var c = encoder.singleValueContainer()
            if n.rounded() == n, abs(n) < 9.0e15 { try c.encode(Int64(n)) } else { try c.encode(n) }
        case .string(let s):
            var c = encoder.singleValueContainer()
            try c.encode(s)
        case .array(let items):
            var c = encoder.unkeyedContainer()
            for item in items { try c.encode(item) }
        case .object(let members):
            var c = encoder.container(keyedBy: TagKey.self)
            for key in members.keys.sorted() { try c.encode(members[key]!, forKey: TagKey(stringValue: key)) }
        case .instant(let i):
            var c = encoder.container(keyedBy: TagKey.self)
            try c.encode(i, forKey: TagKey(stringValue: "$instant"))
        case .duration(let d):
            var c = encoder.container(keyedBy: TagKey.self)
            try c.encode(d, forKey: TagKey(stringValue: "$duration"))
        }
    }
}

extension Value {
    /// Plain JSON for people and other systems: keys sorted, instants as ISO-8601 strings,
    /// durations as their canonical text (`1h30m`), whole numbers without a fraction.
    public var jsonText: String {
        var out = ""
        writeJSON(into: &out)
        return out
    }

    private func writeJSON(into out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let n): out += Value.format(number: n)
        case .string(let s): out += DiagnosticRenderer.jsonString(s)
        case .instant(let i): out += DiagnosticRenderer.jsonString(i.iso8601)
        case .duration(let d): out += DiagnosticRenderer.jsonString(d.description)
        case .array(let items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                item.writeJSON(into: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (index, key) in members.keys.sorted().enumerated() {
                if index > 0 { out += "," }
                out += DiagnosticRenderer.jsonString(key) + ":"
                members[key]!.writeJSON(into: &out)
            }
            out += "}"
        }
    }

    /// `3` rather than `3.0`; other numbers as Swift prints them.
    public static func format(number n: Double) -> String {
        if n.isNaN || n.isInfinite { return "null" }
        if n.rounded() == n, abs(n) < 9.0e15 { return String(Int64(n)) }
        return String(n)
    }

    /// The text a value contributes when interpolated into a string.
    public var interpolationText: String {
        switch self {
        case .null: ""
        case .string(let s): s
        case .number(let n): Value.format(number: n)
        case .bool(let b): b ? "true" : "false"
        case .instant(let i): i.iso8601
        case .duration(let d): d.description
        case .array, .object: jsonText
        }
    }
}
