/// One entry of an instance's timeline: what the interpreter emits (`InterpreterAction.emit`), what
/// the runtime adds around step calls (messages, alerts, in-doubt effects), what the store keeps in
/// `instance_events`, and what the dry-run, `instances show` and the control plane show.
///
/// An entry is a ``Kind`` and the kind's fields by their stored names (`state`, `step`, `attempt`,
/// …). Producers build entries with the typed constructors (`TimelineEntry+Interpreter.swift`,
/// `TimelineEntry+Runtime.swift`); consumers switch on ``kind`` and read the typed accessors
/// (`TimelineEntry+Fields.swift`). The stored form is the kind's name (``Kind/rawValue``) and
/// ``details`` as JSON, exactly as before this type existed, so old rows read back unchanged.
/// `docs/timeline.md` lists every kind with its fields.
public struct TimelineEntry: Sendable, Hashable {
    public var kind: Kind
    /// The kind's fields by their stored names; `docs/timeline.md` says which each kind has.
    public var details: [String: Value]

    public init(_ kind: Kind, _ details: [String: Value]) {
        self.kind = kind
        self.details = details
    }

    /// An entry read from its stored form (`instance_events.kind` and `.details`). A kind this
    /// build does not know reads as ``Kind/other(_:)`` with its details as they are; details that
    /// are not a JSON object (Flow never writes one) read as no fields.
    public init(storedKind: String, details: Value) {
        self.init(Kind(rawValue: storedKind), details.objectValue ?? [:])
    }

    /// The details as the store writes them (`instance_events.details`).
    public var storedDetails: Value { .object(details) }

    /// The same entry about frame `frame` of a `parallel` or `for_each` (its `frame` field); nil
    /// (the root frame) leaves it as it is.
    public func inFrame(_ frame: String?) -> TimelineEntry {
        guard let frame else { return self }
        var entry = self
        entry.details["frame"] = .string(frame)
        return entry
    }
}
