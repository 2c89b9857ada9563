import FlowEngine
import Foundation

/// Validates values against the OpenAPI 3.0 schema subset the contracts use: `$ref`, `type`
/// (one or a list, `nullable`), `enum`, `const`, `pattern`, `minLength`/`maxLength`,
/// `minimum`/`maximum`, `format` (`date-time`, `date`, `uri`), `required`, `properties`,
/// `additionalProperties: false`, `items`, `minItems`/`maxItems`, `allOf`/`anyOf`/`oneOf`.
/// Problems name the location (`body.messages[0].role`) and the rule.
struct OpenAPISchemaCheck {
    let document: Value

    /// Follows `#/components/...` references.
    func resolve(_ schema: Value) -> Value {
        var current = schema
        var hops = 0
        while let ref = current["$ref"]?.stringValue, ref.hasPrefix("#/"), hops < 32 {
            var node: Value? = document
            for part in ref.dropFirst(2).split(separator: "/") {
                node = node?[part.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")]
            }
            guard let node else { return .object([:]) }
            current = node
            hops += 1
        }
        return current
    }

    /// Every property name the schema (with its `allOf` parts, resolved) declares.
    func declaredProperties(_ schema: Value) -> [String: Value] {
        let schema = resolve(schema)
        var properties = schema["properties"]?.objectValue ?? [:]
        for part in schema["allOf"]?.arrayValue ?? [] {
            properties.merge(declaredProperties(part)) { first, _ in first }
        }
        return properties
    }

    /// Every property the schema (with its `allOf` parts) requires.
    func requiredProperties(_ schema: Value) -> Set<String> {
        let schema = resolve(schema)
        var required = Set((schema["required"]?.arrayValue ?? []).compactMap(\.stringValue))
        for part in schema["allOf"]?.arrayValue ?? [] { required.formUnion(requiredProperties(part)) }
        return required
    }

    /// Problems with `value` at `path`; empty when valid.
    func check(_ value: Value, against rawSchema: Value, at path: String) -> [String] {
        let schema = resolve(rawSchema)
        var problems: [String] = []
        if case .null = value {
            if schema["nullable"]?.boolValue == true || types(schema)?.contains("null") == true { return [] }
            if types(schema) != nil || schema["enum"] != nil { return ["\(path): null is not allowed"] }
        }
        for part in schema["allOf"]?.arrayValue ?? [] { problems += check(value, against: part, at: path) }
        for key in ["anyOf", "oneOf"] {
            guard let branches = schema[key]?.arrayValue, !branches.isEmpty else { continue }
            let results = branches.map { check(value, against: $0, at: path) }
            if !results.contains(where: \.isEmpty) {
                let shortest = results.min { $0.count < $1.count } ?? []
                problems.append("\(path): matches no \(key) branch (closest: \(shortest.joined(separator: "; ")))")
            }
        }
        if let types = types(schema), !types.contains(where: { matches(value, type: $0) }) {
            return problems + ["\(path): expected \(types.joined(separator: "|")), got \(value.typeName)"]
        }
        if let allowed = schema["enum"]?.arrayValue, !allowed.contains(value) {
            problems.append("\(path): \(value.jsonText) is not one of \(Value.array(allowed).jsonText)")
        }
        if let constant = schema["const"], constant != value {
            problems.append("\(path): must be \(constant.jsonText)")
        }
        switch value {
        case .string(let text): problems += checkString(text, schema, path)
        case .number(let number):
            if let minimum = schema["minimum"]?.numberValue, number < minimum { problems.append("\(path): below \(minimum)") }
            if let maximum = schema["maximum"]?.numberValue, number > maximum { problems.append("\(path): above \(maximum)") }
        case .array(let items):
            if let minimum = schema["minItems"]?.intValue, items.count < minimum {
                problems.append("\(path): fewer than \(minimum) items")
            }
            if let maximum = schema["maxItems"]?.intValue, items.count > maximum {
                problems.append("\(path): more than \(maximum) items")
            }
            if let itemSchema = schema["items"] {
                for (index, item) in items.enumerated() { problems += check(item, against: itemSchema, at: "\(path)[\(index)]") }
            }
        case .object(let members):
            let properties = schema["properties"]?.objectValue ?? [:]
            for name in (schema["required"]?.arrayValue ?? []).compactMap(\.stringValue) where members[name] == nil {
                problems.append("\(path): required property '\(name)' is missing")
            }
            for (name, member) in members.sorted(by: { $0.key < $1.key }) {
                if let propertySchema = properties[name] {
                    problems += check(member, against: propertySchema, at: "\(path).\(name)")
                } else if schema["additionalProperties"]?.boolValue == false {
                    problems.append("\(path): unknown property '\(name)'")
                } else if let extra = schema["additionalProperties"], extra.objectValue != nil {
                    problems += check(member, against: extra, at: "\(path).\(name)")
                }
            }
        default: break
        }
        return problems
    }

    private func types(_ schema: Value) -> [String]? {
        if let one = schema["type"]?.stringValue { return [one] }
        return schema["type"]?.arrayValue?.compactMap(\.stringValue)
    }

    private func matches(_ value: Value, type: String) -> Bool {
        switch (type, value) {
        case ("string", .string), ("string", .instant), ("boolean", .bool), ("array", .array), ("object", .object),
             ("number", .number), ("null", .null):
            true
        case ("integer", .number): value.intValue != nil
        default: false
        }
    }

    private func checkString(_ text: String, _ schema: Value, _ path: String) -> [String] {
        var problems: [String] = []
        if let minimum = schema["minLength"]?.intValue, text.count < minimum {
            problems.append("\(path): shorter than \(minimum) characters")
        }
        if let maximum = schema["maxLength"]?.intValue, text.count > maximum {
            problems.append("\(path): longer than \(maximum) characters")
        }
        if let pattern = schema["pattern"]?.stringValue {
            if let regex = try? NSRegularExpression(pattern: pattern),
               regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) == nil {
                problems.append("\(path): \"\(text)\" does not match \(pattern)")
            }
        }
        switch schema["format"]?.stringValue {
        case "date-time" where Instant(iso8601: text) == nil:
            problems.append("\(path): \"\(text)\" is not an RFC 3339 date-time")
        case "date" where text.range(of: #"^\d{4}-\d{2}-\d{2}$"#, options: .regularExpression) == nil:
            problems.append("\(path): \"\(text)\" is not a date")
        case "uri" where URL(string: text)?.scheme == nil:
            problems.append("\(path): \"\(text)\" is not an absolute URI")
        default: break
        }
        return problems
    }
}
