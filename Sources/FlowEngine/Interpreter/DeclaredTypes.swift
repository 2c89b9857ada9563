/// Gives the instance's input and settings the types the flow declares: ISO-8601 text becomes an
/// instant and duration text (`90s`, `1h30m`) a duration, so JSON input and YAML settings compare and
/// compute as declared. Values that do not parse are left as they are (the validator reports them).
public enum DeclaredTypes {
    /// Settings typed by their declarations.
    public static func settings(_ settings: Value, declared: [SettingDeclaration]) -> Value {
        guard var members = settings.objectValue else { return settings }
        for declaration in declared {
            if let value = members[declaration.name.value] {
                members[declaration.name.value] = coerce(value, to: declaration.type.value)
            }
        }
        return .object(members)
    }

    /// Input typed by the declared fields, nested `properties` included.
    public static func input(_ input: Value, fields: [InputField]) -> Value {
        guard var members = input.objectValue else { return input }
        for field in fields {
            guard let value = members[field.name.value] else { continue }
            members[field.name.value] = field.properties.isEmpty
                ? coerce(value, to: field.type.value) : Self.input(value, fields: field.properties)
        }
        return .object(members)
    }

    /// Text given for an `instant` or `duration` becomes that value, an `airport` code is upper-cased;
    /// anything else is unchanged.
    public static func coerce(_ value: Value, to type: ValueType) -> Value {
        switch type {
        case .airport: value.stringValue.map { .string($0.uppercased()) } ?? value
        case .instant: value.stringValue.flatMap(Instant.init(iso8601:)).map(Value.instant) ?? value
        case .duration: value.stringValue.flatMap(TimeSpan.init(parsing:)).map(Value.duration) ?? value
        case .optional(let wrapped): coerce(value, to: wrapped)
        default: value
        }
    }
}
