public import FlowEngine

/// Records what an event carries before any flow it starts runs (the travel product records the
/// payload's booking). A flow asks for one by name in its trigger's `records:`.
public protocol EventRecorder: Sendable {
    /// Checks and records the payload for `agency`. Throws `RecordError` when the payload is not
    /// what the recorder needs (the event is then refused as a whole, nothing started); other
    /// errors are the store's.
    func record(event: String, payload: Value, agency: String?, at now: Instant) async throws
}

/// A payload an `EventRecorder` cannot record, and why (said to the caller, e.g. as a 422).
public struct RecordError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Where events go: the daemon's `EventDispatcher`, seen by products (an inbound-message
/// webhook dispatches `whatsapp.inbound`) without its store type.
public protocol EventSink: Sendable {
    /// Starts every flow with an event trigger for `event` (once per trigger key) and returns them.
    func dispatch(event: String, payload: Value, agency: String?, at now: Instant) async throws -> [StartedInstance]
}

/// One flow an event started, or found already started under the same key.
public struct StartedInstance: Sendable, Hashable {
    public var flow: String
    public var key: String
    /// False when the key was used before: the existing instance is returned.
    public var created: Bool
    public var instance: InstanceRecord

    public init(flow: String, key: String, created: Bool, instance: InstanceRecord) {
        self.flow = flow
        self.key = key
        self.created = created
        self.instance = instance
    }
}
