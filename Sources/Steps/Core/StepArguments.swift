public import FlowEngine

/// Typed access to a call's arguments, failing with `step.bad_argument`.
public struct StepArguments: Sendable {
    public var values: [String: Value]

    public init(_ values: [String: Value]) { self.values = values }

    public func string(_ name: String) throws(StepFailure) -> String {
        guard let value = values[name], !value.isNull else { throw .badArgument(name, "is required") }
        guard let s = value.stringValue else { throw .badArgument(name, "must be a string, not \(value.typeName)") }
        return s
    }

    public func optionalString(_ name: String) throws(StepFailure) -> String? {
        guard let value = values[name], !value.isNull else { return nil }
        guard let s = value.stringValue else { throw .badArgument(name, "must be a string, not \(value.typeName)") }
        return s
    }

    public func optionalObject(_ name: String) throws(StepFailure) -> [String: Value]? {
        guard let value = values[name], !value.isNull else { return nil }
        guard let o = value.objectValue else { throw .badArgument(name, "must be an object, not \(value.typeName)") }
        return o
    }

    public func optionalNumber(_ name: String) throws(StepFailure) -> Double? {
        guard let value = values[name], !value.isNull else { return nil }
        guard let n = value.numberValue else { throw .badArgument(name, "must be a number, not \(value.typeName)") }
        return n
    }

    /// An instant, also accepted as an ISO-8601 string with a zone.
    public func instant(_ name: String) throws(StepFailure) -> Instant {
        guard let value = values[name], !value.isNull else { throw .badArgument(name, "is required") }
        if let i = value.instantValue { return i }
        if let s = value.stringValue, let i = Instant(iso8601: s) { return i }
        throw .badArgument(name, "must be an instant")
    }

    /// A duration, also accepted as text (`2h`).
    public func optionalDuration(_ name: String) throws(StepFailure) -> TimeSpan? {
        guard let value = values[name], !value.isNull else { return nil }
        if let d = value.durationValue { return d }
        if let s = value.stringValue, let d = TimeSpan(parsing: s) { return d }
        throw .badArgument(name, "must be a duration")
    }
}
