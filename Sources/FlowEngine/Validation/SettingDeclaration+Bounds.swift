extension SettingDeclaration {
    /// Why a value does not fit this setting.
    public enum Misfit: Sendable, Hashable {
        /// The value is not of the declared type.
        case type(String)
        /// The value is of the type but outside `min`/`max`/`allowed`.
        case bounds(String)
    }

    /// Checks a value against the setting's type, bounds and allowed values.
    public func misfit(of value: Value) -> Misfit? {
        if let unknown = type.value.unknownAirport(in: value) { return .type(unknown) }
        guard type.value.accepts(value) else {
            return .type("'\(name.value)' is \(type.value), found \(value.typeName) \(value.jsonText)")
        }
        if type.value == .zone, let zone = value.stringValue, !ZoneNames.isKnown(zone) {
            return .type("'\(zone)' is not an IANA time zone")
        }
        if let allowed, !allowed.isEmpty, !allowed.contains(value) {
            return .bounds("'\(name.value)' must be one of \(allowed.map(\.jsonText).joined(separator: ", "))")
        }
        guard let magnitude = Self.magnitude(of: value) else { return nil }
        if let min, let low = Self.magnitude(of: min.value), magnitude < low {
            return .bounds("'\(name.value)' must be at least \(Self.text(min.value)), found \(Self.text(value))")
        }
        if let max, let high = Self.magnitude(of: max.value), magnitude > high {
            return .bounds("'\(name.value)' must be at most \(Self.text(max.value)), found \(Self.text(value))")
        }
        return nil
    }

    /// Numbers as themselves, durations in milliseconds.
    static func magnitude(of value: Value) -> Double? {
        switch value {
        case .number(let n): n
        case .duration(let d): Double(d.milliseconds)
        case .string(let s): TimeSpan(parsing: s).map { Double($0.milliseconds) }
        default: nil
        }
    }

    static func text(_ value: Value) -> String { value.stringValue ?? value.jsonText }
}
