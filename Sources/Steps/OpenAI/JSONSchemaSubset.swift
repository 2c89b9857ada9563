public import FlowEngine

/// Validates a JSON value against the subset of JSON Schema that strict Structured Outputs use:
/// `type` (one name or a list, e.g. `["string", "null"]`), `properties`, `required`,
/// `additionalProperties: false`, `items`, `enum`, `const`, `minimum`/`maximum`,
/// `minItems`/`maxItems`, `minLength`/`maxLength`, `anyOf`. Unknown keywords are ignored.
public enum JSONSchemaSubset {
    /// One place where a value broke its schema.
    public struct Violation: Sendable, Hashable, CustomStringConvertible {
        /// JSON-pointer-like path, `$` for the root: `$.flights[2].gate`.
        public var path: String
        public var message: String
        public var description: String { "\(path): \(message)" }
    }

    /// Every violation, depth first; empty when the value conforms.
    public static func validate(_ value: Value, against schema: Value, path: String = "$") -> [Violation] {
        guard let s = schema.objectValue else { return [] }
        var out: [Violation] = []
        func fail(_ message: String) { out.append(Violation(path: path, message: message)) }

        if let anyOf = s["anyOf"]?.arrayValue {
            if !anyOf.contains(where: { validate(value, against: $0, path: path).isEmpty }) {
                fail("matches none of the anyOf alternatives")
            }
        }
        if let types = typeNames(s["type"]), !types.contains(where: { matches(value, type: $0) }) {
            fail("expected \(types.joined(separator: " or ")), got \(jsonType(value))")
            return out
        }
        if let options = s["enum"]?.arrayValue, !options.contains(value) {
            fail("\(value.jsonText) is not one of \(Value.array(options).jsonText)")
        }
        if let constant = s["const"], constant != value { fail("must be \(constant.jsonText)") }
        if let n = value.numberValue {
            if let min = s["minimum"]?.numberValue, n < min { fail("\(Value.format(number: n)) is below \(Value.format(number: min))") }
            if let max = s["maximum"]?.numberValue, n > max { fail("\(Value.format(number: n)) is above \(Value.format(number: max))") }
        }
        if let text = value.stringValue {
            if let min = s["minLength"]?.intValue, text.count < min { fail("shorter than \(min) characters") }
            if let max = s["maxLength"]?.intValue, text.count > max { fail("longer than \(max) characters") }
        }
        if let items = value.arrayValue {
            if let min = s["minItems"]?.intValue, items.count < min { fail("fewer than \(min) items") }
            if let max = s["maxItems"]?.intValue, items.count > max { fail("more than \(max) items") }
            if let itemSchema = s["items"] {
                for (i, item) in items.enumerated() { out += validate(item, against: itemSchema, path: "\(path)[\(i)]") }
            }
        }
        if let members = value.objectValue {
            let properties = s["properties"]?.objectValue ?? [:]
            for name in (s["required"]?.arrayValue ?? []).compactMap(\.stringValue) where members[name] == nil {
                out.append(Violation(path: path, message: "missing required property '\(name)'"))
            }
            for name in members.keys.sorted() {
                if let propertySchema = properties[name] {
                    out += validate(members[name]!, against: propertySchema, path: "\(path).\(name)")
                } else if s["additionalProperties"] == .bool(false) {
                    out.append(Violation(path: path, message: "unexpected property '\(name)'"))
                } else if let extra = s["additionalProperties"], extra.objectValue != nil {
                    out += validate(members[name]!, against: extra, path: "\(path).\(name)")
                }
            }
        }
        return out
    }

    static func typeNames(_ value: Value?) -> [String]? {
        if let one = value?.stringValue { return [one] }
        return value?.arrayValue?.compactMap(\.stringValue)
    }

    static func matches(_ value: Value, type: String) -> Bool {
        switch type {
        case "object": value.objectValue != nil
        case "array": value.arrayValue != nil
        case "string": value.stringValue != nil
        case "number": value.numberValue != nil
        case "integer": value.intValue != nil
        case "boolean": value.boolValue != nil
        case "null": value.isNull
        default: true
        }
    }

    static func jsonType(_ value: Value) -> String {
        switch value {
        case .array: "array"
        case .bool: "boolean"
        case .instant, .duration, .string: "string"
        default: value.typeName
        }
    }
}
