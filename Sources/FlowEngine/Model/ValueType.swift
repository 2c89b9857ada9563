/// The static type of a parameter, result, input field or setting.
public indirect enum ValueType: Sendable, Hashable, Codable, CustomStringConvertible {
    case any
    case string
    case number
    case integer
    case bool
    case instant
    case duration
    /// A time-of-day window such as `20:00-09:00`.
    case window
    /// An IANA zone name.
    case zone
    /// The IATA code of an airport of the shipped table (`airport(code)` knows it), any case.
    case airport
    case list(ValueType)
    case object
    /// One of several types (e.g. a string or null).
    case optional(ValueType)

    public var description: String {
        switch self {
        case .any: "any"
        case .string: "string"
        case .number: "number"
        case .integer: "integer"
        case .bool: "bool"
        case .instant: "instant"
        case .duration: "duration"
        case .window: "window"
        case .zone: "zone"
        case .airport: "airport"
        case .list(let element): "list<\(element)>"
        case .object: "object"
        case .optional(let wrapped): "\(wrapped)?"
        }
    }

    /// Parses the type names used in `input` and `settings` declarations.
    public init?(name: String) {
        switch name {
        case "any": self = .any
        case "string", "template": self = .string
        case "number": self = .number
        case "integer", "int": self = .integer
        case "bool", "boolean": self = .bool
        case "instant": self = .instant
        case "duration": self = .duration
        case "window": self = .window
        case "zone": self = .zone
        case "airport": self = .airport
        case "list", "array": self = .list(.any)
        case "object": self = .object
        default: return nil
        }
    }

    /// The type without its optional wrapping.
    public var unwrapped: ValueType {
        if case .optional(let wrapped) = self { return wrapped.unwrapped }
        return self
    }

    /// Why a value is refused when it is text but not a known airport code (nil otherwise): the
    /// explanation input and setting checks give instead of the generic type mismatch.
    public func unknownAirport(in value: Value) -> String? {
        guard unwrapped == .airport, let code = value.stringValue, Airports.lookup(code) == nil else { return nil }
        return Airports.unknownCode(code)
    }

    /// Whether a concrete value conforms (durations and instants may be given as text).
    public func accepts(_ value: Value) -> Bool {
        switch (self, value) {
        case (.any, _): true
        case (.optional, .null): true
        case (.optional(let wrapped), _): wrapped.accepts(value)
        case (.string, .string), (.number, .number), (.bool, .bool), (.object, .object): true
        case (.integer, .number(let n)): n.rounded() == n
        case (.instant, .instant), (.duration, .duration): true
        case (.instant, .string(let s)): Instant(iso8601: s) != nil
        case (.duration, .string(let s)): TimeSpan(parsing: s) != nil
        case (.window, .string(let s)): TimeWindow(parsing: s) != nil
        case (.zone, .string): true  // checked against the zone database by the validator
        case (.airport, .string(let code)): Airports.lookup(code) != nil
        case (.list(let element), .array(let items)): items.allSatisfy(element.accepts)
        default: false
        }
    }
}
