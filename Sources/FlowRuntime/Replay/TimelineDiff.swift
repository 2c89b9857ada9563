public import FlowEngine

/// What changed between a recorded timeline and its replay through another version (pure): the
/// messages added, removed, moved in time or changed in content, the states reached in only one
/// of them, and how each ended.
///
/// Messages are the `message_sent` entries. A recorded and a replayed message are the same
/// message when their type, key and recipient are; such a pair is **moved** when their instants
/// are more than `tolerance` apart (the recording ran on the wall clock: its timers fired a little
/// after they were due) and **changed** when its template or variables differ. Messages left
/// unpaired are paired again by type and recipient alone, in order: those pairs are **changed**
/// (their key differs; moved too when their instants differ). What is still unpaired is **removed**
/// (only recorded) or **added** (only replayed).
public struct TimelineDiff: Sendable, Hashable {
    /// The default `tolerance`.
    public static let tolerance: TimeSpan = .seconds(60)

    /// A message as the diff shows it.
    public struct Message: Sendable, Hashable {
        public var type: String
        public var key: String
        public var to: String
        public var template: String
        public var variables: Value
        public var at: Instant
        /// Local ISO-8601 time in the message's zone, when the call named one.
        public var localTime: String?

        init(_ entry: HistoryEntry) {
            type = entry.details["type"]?.stringValue ?? ""
            key = entry.details["key"]?.stringValue ?? type
            to = entry.details["to"]?.stringValue ?? ""
            template = entry.details["template"]?.stringValue ?? ""
            variables = entry.details["variables"] ?? .null
            at = entry.at
            localTime = entry.details["local_time"]?.stringValue
        }
    }

    /// A message in both timelines.
    public struct Pair: Sendable, Hashable {
        public var recorded: Message
        public var replayed: Message
        /// What differs in content: `key`, `template`, `variables` (empty when only the time does).
        public var fields: [String] {
            var fields: [String] = []
            if recorded.key != replayed.key { fields.append("key") }
            if recorded.template != replayed.template { fields.append("template") }
            if recorded.variables != replayed.variables { fields.append("variables") }
            return fields
        }
    }

    /// How a timeline ended (or where it stands): its status and a `completed` entry's output or error.
    public struct Ending: Sendable, Hashable {
        public var status: String
        public var output: Value?
        public var error: Value?
    }

    public var added: [Message] = []
    public var removed: [Message] = []
    public var moved: [Pair] = []
    public var changed: [Pair] = []
    /// States entered in the recording and never in the replay, in first-entered order.
    public var statesOnlyRecorded: [String]
    /// States entered in the replay and never in the recording, in first-entered order.
    public var statesOnlyReplayed: [String]
    public var recorded: Ending
    public var replayed: Ending

    public init(
        recorded: [HistoryEntry], recordedStatus: String, replayed: [HistoryEntry], replayedStatus: String,
        tolerance: TimeSpan = Self.tolerance
    ) {
        var before = recorded.filter { $0.kind == .messageSent }.map(Message.init)
        var after = replayed.filter { $0.kind == .messageSent }.map(Message.init)
        var pairs: [Pair] = []
        var keyChanged: [Pair] = []
        // Same type, key and recipient first; then what is left by type and recipient.
        for sameKey in [true, false] {
            var index = 0
            while index < before.count {
                let message = before[index]
                let match = after.firstIndex { candidate in
                    candidate.type == message.type && candidate.to == message.to && (!sameKey || candidate.key == message.key)
                }
                guard let match else { index += 1; continue }
                let pair = Pair(recorded: message, replayed: after.remove(at: match))
                before.remove(at: index)
                if sameKey { pairs.append(pair) } else { keyChanged.append(pair) }
            }
        }
        for pair in (pairs + keyChanged).sorted(by: { $0.recorded.at < $1.recorded.at }) {
            let apart = pair.recorded.at > pair.replayed.at
                ? pair.recorded.at - pair.replayed.at : pair.replayed.at - pair.recorded.at
            if apart > tolerance { moved.append(pair) }
            if !pair.fields.isEmpty { changed.append(pair) }
        }
        removed = before
        added = after
        let recordedStates = Self.states(recorded)
        let replayedStates = Self.states(replayed)
        statesOnlyRecorded = recordedStates.filter { !replayedStates.contains($0) }
        statesOnlyReplayed = replayedStates.filter { !recordedStates.contains($0) }
        self.recorded = Self.ending(recorded, status: recordedStatus)
        self.replayed = Self.ending(replayed, status: replayedStatus)
    }

    /// Whether the replay differs from the recording in any way the diff reports.
    public var differs: Bool {
        !(added.isEmpty && removed.isEmpty && moved.isEmpty && changed.isEmpty && statesOnlyRecorded.isEmpty
            && statesOnlyReplayed.isEmpty) || recorded != replayed
    }

    /// The names of the states a timeline entered, each once, in first-entered order.
    static func states(_ history: [HistoryEntry]) -> [String] {
        var seen: Set<String> = []
        return history.compactMap { entry in
            guard entry.kind == .stateEntered, let state = entry.entry.state, seen.insert(state).inserted else { return nil }
            return state
        }
    }

    static func ending(_ history: [HistoryEntry], status: String) -> Ending {
        guard let completed = history.last(where: { $0.kind == .completed }) else { return Ending(status: status) }
        return Ending(status: completed.details["status"]?.stringValue ?? status,
                      output: completed.details["output"], error: completed.details["error"])
    }
}
