public import FlowEngine

/// The stored text of an instance state: the interpreter's state as JSON, in the document its
/// `Codable` conformance gives through `JSONEncoder`, written and read directly
/// (`InstanceState.storedJSON()`, `InstanceState(storedJSON:)`: no `JSONEncoder`/`JSONDecoder` per
/// transition). States stored by earlier versions read back unchanged. One definition for the
/// executor, the starter and the in-memory store, so they agree byte for byte.
public enum InstanceStateCoding {
    /// The state as the JSON text stores keep.
    public static func encode(_ state: InstanceState) throws -> String {
        try state.storedJSON()
    }

    /// The state back from its stored text.
    public static func decode(_ text: String) throws -> InstanceState {
        try InstanceState(storedJSON: text)
    }
}

/// A store that can take a transition's state decoded and encode it only when someone reads the
/// record (the in-memory store of dry-runs and tests). Same observable records as a store that
/// encodes on every commit; the executor skips the per-commit JSON encoding for such stores.
protocol DecodedStateCommitting: FlowStore {
    /// `transition.state` is ignored; `state` is what the record's state text encodes.
    func commit(_ transition: TransitionRecord, decoded state: InstanceState, owner: String) async throws
    /// `instance.state` and `instance.settings` are ignored when the instance is created; `state` and
    /// `settings` are what their texts encode (written when the record is read).
    func createInstance(
        _ instance: InstanceRecord, history: [HistoryEntry], decoded state: InstanceState, settings: Value
    ) async throws -> CreateInstanceResult
}
