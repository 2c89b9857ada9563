public import FlowEngine

/// The `waiting_for` filter of `GET /instances`: what an instance waits for now — a kind
/// (`timer`, `event`, `approval`, `retry`, `step`, `resume`: a step paused after its retries ran
/// out) or one event by name (`event:NAME`), read from its state (a waiting frame of that kind).
public struct WaitingForFilter: Sendable, Hashable {
    public static let kinds = ["timer", "event", "approval", "retry", "step", "resume"]

    public var kind: String
    public var event: String?

    /// Parses the parameter; nil when it names no kind.
    public init?(_ text: String) {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        guard let kind = parts.first, Self.kinds.contains(kind) else { return nil }
        if parts.count == 2 {
            guard kind == "event", !parts[1].isEmpty else { return nil }
            event = parts[1]
        }
        self.kind = kind
    }

    /// Whether `record`'s state waits as asked (a state that does not decode does not match).
    public func matches(_ record: InstanceRecord) -> Bool {
        guard !record.status.isFinished, let state = try? InstanceStateCoding.decode(record.state) else { return false }
        return InstanceView.waits(in: state).contains { wait in
            wait["kind"]?.stringValue == kind && (event == nil || wait["event"]?.stringValue == event)
        }
    }
}
