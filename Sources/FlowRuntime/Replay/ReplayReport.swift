public import FlowEngine

/// One replay's result: which instance, which versions, the stretch of time replayed, the diff,
/// the call the recording had no answer for (the replay stopped there), and the replayed run.
public struct ReplayReport: Sendable {
    public var instance: String
    public var flow: String
    public var agency: String?
    public var recordedVersion: String
    public var replayedVersion: String
    public var start: Instant
    public var until: Instant
    public var diff: TimelineDiff
    public var missingAnswer: MissingRecordedAnswer?
    /// The replayed run in the dry-run's shapes.
    public var replayed: DryRunReport

    /// Whether the replay differs from the recording, or could not be finished for want of an answer.
    public var differs: Bool { diff.differs || missingAnswer != nil }

    /// The differences, one line each, in the order the text shows them (empty: none).
    public var differences: [String] {
        (missingAnswer.map { ["\($0): the replay stopped there"] } ?? []) + Self.differenceLines(diff)
    }

    /// A diff's differences, one line each: moved, added, removed and changed messages, states
    /// reached in one timeline only, another ending.
    public static func differenceLines(_ diff: TimelineDiff) -> [String] {
        var lines: [String] = []
        for pair in diff.moved {
            lines.append("moved    \(name(pair.recorded)): \(when(pair.recorded)) → \(when(pair.replayed))")
        }
        for message in diff.added { lines.append("added    \(name(message)) at \(when(message))") }
        for message in diff.removed { lines.append("removed  \(name(message)) at \(when(message))") }
        for pair in diff.changed {
            let changes = pair.fields.map { field -> String in
                switch field {
                case "key": "key \(pair.recorded.key) → \(pair.replayed.key)"
                case "template": "template \(pair.recorded.template) → \(pair.replayed.template)"
                default: "variables \(pair.recorded.variables.jsonText) → \(pair.replayed.variables.jsonText)"
                }
            }
            lines.append("changed  \(name(pair.recorded)): " + changes.joined(separator: "; "))
        }
        if !diff.statesOnlyRecorded.isEmpty {
            lines.append("states only in the recording: " + diff.statesOnlyRecorded.joined(separator: ", "))
        }
        if !diff.statesOnlyReplayed.isEmpty {
            lines.append("states only in the replay: " + diff.statesOnlyReplayed.joined(separator: ", "))
        }
        if diff.recorded != diff.replayed {
            lines.append("ending   \(ending(diff.recorded)) → \(ending(diff.replayed))")
        }
        return lines
    }

    /// For people: a heading, then each difference, or `no differences`.
    public var text: String {
        var lines = [
            "replay of \(instance) · \(flow) \(recordedVersion) → \(replayedVersion)"
                + (agency.map { " · agency \($0)" } ?? ""),
            "from \(start.iso8601) until \(until.iso8601)",
        ]
        let differences = self.differences
        lines += differences.isEmpty ? ["no differences"] : differences.map { "  " + $0 }
        return lines.joined(separator: "\n")
    }

    /// For machines (`--format json`, `POST /instances/{id}/replay`).
    public var json: Value {
        .object([
            "instance": .string(instance), "flow": .string(flow), "agency": agency.map(Value.string) ?? .null,
            "recorded_version": .string(recordedVersion), "replayed_version": .string(replayedVersion),
            "start": .instant(start), "until": .instant(until), "differs": .bool(differs),
            "messages": .object([
                "added": .array(diff.added.map(Self.json)), "removed": .array(diff.removed.map(Self.json)),
                "moved": .array(diff.moved.map(Self.json)), "changed": .array(diff.changed.map(Self.json)),
            ]),
            "states": .object([
                "only_recorded": .array(diff.statesOnlyRecorded.map(Value.string)),
                "only_replayed": .array(diff.statesOnlyReplayed.map(Value.string)),
            ]),
            "recorded": Self.json(diff.recorded), "replayed": Self.json(diff.replayed),
            "missing_answer": missingAnswer.map { missing in
                .object([
                    "step": .string(missing.step), "state": .string(missing.state),
                    "frame": missing.frame.map(Value.string) ?? .null, "at": .instant(missing.at),
                    "message": .string(missing.description),
                ])
            } ?? .null,
            "differences": .array(differences.map(Value.string)),
            "timeline": .array(replayed.timeline),
        ])
    }

    static func name(_ message: TimelineDiff.Message) -> String {
        message.key == message.type ? message.type : "\(message.type) [\(message.key)]"
    }

    static func when(_ message: TimelineDiff.Message) -> String {
        message.at.iso8601 + (message.localTime.map { " (local \($0))" } ?? "")
    }

    static func ending(_ ending: TimelineDiff.Ending) -> String {
        var text = ending.status
        if let output = ending.output { text += " \(output.jsonText)" }
        if let code = ending.error?["code"]?.stringValue { text += " \(code)" }
        return text
    }

    static func json(_ message: TimelineDiff.Message) -> Value {
        .object([
            "type": .string(message.type), "key": .string(message.key), "to": .string(message.to),
            "template": .string(message.template), "variables": message.variables, "at": .instant(message.at),
            "local_time": message.localTime.map(Value.string) ?? .null,
        ])
    }

    static func json(_ pair: TimelineDiff.Pair) -> Value {
        .object([
            "recorded": json(pair.recorded), "replayed": json(pair.replayed),
            "fields": .array(pair.fields.map(Value.string)),
        ])
    }

    static func json(_ ending: TimelineDiff.Ending) -> Value {
        .object(["status": .string(ending.status), "output": ending.output ?? .null, "error": ending.error ?? .null])
    }
}
