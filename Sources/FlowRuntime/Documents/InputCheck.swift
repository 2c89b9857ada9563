public import FlowEngine

/// Checks an input document (a dry-run's, `flowctl start`'s, an event's) against the flow's `input`
/// declarations (an object, every required field present, every declared field of its type, nested
/// `properties` too) and types it with `DeclaredTypes` (text given for an `instant` or `duration` becomes that value).
/// Settings need no such step: `Interpreter.start` types them by their declarations.
public enum InputCheck {
    /// The input value, typed by the declarations.
    /// - Throws: `LocatedError` at the first problem's place in the input file.
    public static func typed(
        _ document: LocatedDocument, declaredBy fields: [InputField]
    ) throws(LocatedError) -> Value {
        try typed(document, fields, path: "input")
    }

    private static func typed(
        _ node: LocatedDocument, _ fields: [InputField], path: String
    ) throws(LocatedError) -> Value {
        guard case .map(let pairs) = node.content, case .object(var object) = node.value else {
            throw LocatedError("\(path) must be an object, not \(node.kindName)", at: node.location)
        }
        for field in fields {
            let name = field.name.value
            guard let member = pairs.first(where: { $0.key == name })?.value, !member.value.isNull else {
                if field.required {
                    throw LocatedError("\(path) is missing the required field '\(name)' (\(field.type.value))",
                                      at: node.location)
                }
                continue
            }
            let value = member.value
            guard field.type.value.accepts(value) else {
                if let unknown = field.type.value.unknownAirport(in: value) {
                    throw LocatedError("\(path).\(name): \(unknown)", at: member.location)
                }
                let shown = value.stringValue.map { "'\($0)'" } ?? member.kindName
                var message = "\(path).\(name) must be \(field.type.value), not \(shown)"
                // A time without an offset is the usual mistake: say what an instant needs, and the field's own words.
                if case .instant = field.type.value, value.stringValue != nil {
                    message += " (an instant needs a zone offset, e.g. 2026-07-08T22:05:00+01:00"
                        + (field.description.map { "; \(name): \($0)" } ?? "") + ")"
                }
                throw LocatedError(message, at: member.location)
            }
            if case .object = field.type.value, !field.properties.isEmpty {
                object[name] = try typed(member, field.properties, path: "\(path).\(name)")
            } else {
                object[name] = DeclaredTypes.coerce(value, to: field.type.value)
            }
        }
        return .object(object)
    }
}
