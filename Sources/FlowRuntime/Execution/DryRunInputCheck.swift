public import FlowEngine

/// Checks a dry-run's input document against the flow's `input` declarations (an object,
/// every required field present, every declared field of its type, nested `properties` too)
/// and types it: text given for an `instant` or `duration` field becomes that value.
public enum DryRunInputCheck {
    /// The input value, typed by the declarations.
    /// - Throws: `DryRunError` at the first problem's place in the input file.
    public static func typed(_ document: DryRunDocument, declaredBy fields: [InputField]) throws(DryRunError) -> Value {
        try typed(document, fields, path: "input")
    }

    /// Settings typed by their declarations: text for a `duration` or `instant` setting (an
    /// agency override such as `36h`) becomes that value.
    public static func typed(settings: [String: Value], declaredBy declarations: [SettingDeclaration]) -> [String: Value] {
        var out = settings
        for declaration in declarations {
            guard case .string(let text)? = settings[declaration.name.value] else { continue }
            switch declaration.type.value {
            case .duration, .optional(.duration):
                if let span = TimeSpan(parsing: text) { out[declaration.name.value] = .duration(span) }
            case .instant, .optional(.instant):
                if let instant = Instant(iso8601: text) { out[declaration.name.value] = .instant(instant) }
            default: break
            }
        }
        return out
    }

    private static func typed(_ node: DryRunDocument, _ fields: [InputField], path: String) throws(DryRunError) -> Value {
        guard case .map(let pairs) = node.content, case .object(var object) = node.value else {
            throw DryRunError("\(path) must be an object, not \(node.kindName)", at: node.location)
        }
        for field in fields {
            let name = field.name.value
            guard let member = pairs.first(where: { $0.key == name })?.value, !member.value.isNull else {
                if field.required {
                    throw DryRunError("\(path) is missing the required field '\(name)' (\(field.type.value))",
                                      at: node.location)
                }
                continue
            }
            let value = member.value
            guard field.type.value.accepts(value) else {
                let shown = value.stringValue.map { "'\($0)'" } ?? member.kindName
                throw DryRunError("\(path).\(name) must be \(field.type.value), not \(shown)", at: member.location)
            }
            switch (field.type.value, value) {
            case (.instant, .string(let text)): object[name] = Instant(iso8601: text).map(Value.instant) ?? value
            case (.duration, .string(let text)): object[name] = TimeSpan(parsing: text).map(Value.duration) ?? value
            case (.object, _) where !field.properties.isEmpty:
                object[name] = try typed(member, field.properties, path: "\(path).\(name)")
            default: break
            }
        }
        return .object(object)
    }
}
