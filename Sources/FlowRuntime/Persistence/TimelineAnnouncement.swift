/// What a PostgreSQL commit tells every daemon's live streams (`flow_timeline`, sent after it by
/// `PostgresTimelineAnnouncer`): an instance's
/// timeline grew, or the instance ended, by the worker `owner`. The payload is
/// `grew|ended <tab> owner <tab> instance id`; a daemon skips its own (it announced them in process).
public struct TimelineAnnouncement: Sendable, Hashable {
    /// The notification channel.
    public static let channel = "flow_timeline"

    public var instanceID: String
    public var ended: Bool
    /// The worker that committed.
    public var owner: String

    public init(instanceID: String, ended: Bool, owner: String) {
        self.instanceID = instanceID
        self.ended = ended
        self.owner = owner
    }

    public var payload: String { [ended ? "ended" : "grew", owner, instanceID].joined(separator: "\t") }

    /// Reads a payload; nil when it is not one.
    public init?(payload: String) {
        let parts = payload.split(separator: "\t", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "grew" || parts[0] == "ended" else { return nil }
        self.init(instanceID: String(parts[2]), ended: parts[0] == "ended", owner: String(parts[1]))
    }
}
