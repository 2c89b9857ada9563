public import FlowEngine

/// The result of a dry-run: the contract's JSON object (`domain/dry-run.md`) and a text timeline.
public struct DryRunReport: Sendable {
    public var flow: String
    /// `<declared version>+<first 7 hex digits of the content hash>` (just the declared version
    /// when the flow was built in code).
    public var version: String
    public var agency: String?
    public var start: Instant
    public var end: Instant
    /// `succeeded`, `failed`, `cancelled`, or `waiting` / `running` when the horizon came first.
    public var status: String
    public var history: [HistoryEntry]
    /// Provider calls actually made, by provider (`aeroapi`, `twilio`, `openai`).
    public var calls: [String: Int]

    public init(flow: String, version: String, agency: String?, start: Instant, end: Instant, status: String,
                history: [HistoryEntry], calls: [String: Int]) {
        self.flow = flow
        self.version = version
        self.agency = agency
        self.start = start
        self.end = end
        self.status = status
        self.history = history
        self.calls = calls
    }

    /// Every message Twilio accepted, in order.
    public var messages: [Value] {
        history.filter { $0.kind == .messageSent }.map { entry in
            .object([
                "at": .instant(entry.at), "local_time": entry.details["local_time"] ?? .null,
                "type": entry.details["type"] ?? .null, "to": entry.details["to"] ?? .null,
                "template": entry.details["template"] ?? .null, "variables": entry.details["variables"] ?? .null,
                "deferred_from": entry.details["deferred_from"] ?? .null,
            ])
        }
    }

    /// Every alert raised (by `alert.raise` or a suppressed message), in order.
    public var alerts: [Value] {
        history.filter { $0.kind == .alert }.map { entry in
            .object(["at": .instant(entry.at), "code": entry.details["code"] ?? .null,
                     "message": entry.details["message"] ?? .null])
        }
    }

    /// The timeline: each entry's details plus `at` (when it happened) and `kind`. A detail that
    /// was itself called `at` (when a timer fires) is kept as `due_at`.
    public var timeline: [Value] { history.map(\.timelineValue) }

    /// The contract's JSON object.
    public var json: Value {
        var counts: [String: Value] = ["aeroapi": 0, "twilio": 0, "openai": 0]
        for (provider, count) in calls { counts[provider] = .number(Double(count)) }
        return .object([
            "flow": .string(flow), "version": .string(version), "agency": agency.map(Value.string) ?? .null,
            "start": .instant(start), "end": .instant(end), "status": .string(status), "messages": .array(messages),
            "timeline": .array(timeline), "calls": .object(counts), "alerts": .array(alerts),
        ])
    }

    /// The zone local times are shown in: the first zone the timeline names (a quiet-hours
    /// window's or a message's), if any.
    public var displayZone: ZoneRules? {
        for entry in history {
            if let name = entry.details["zone"]?.stringValue, let zone = ZoneRules(identifier: name) { return zone }
        }
        return nil
    }
}

extension HistoryEntry {
    /// The entry as the dry-run, `instances show` and the API print it: its details plus `at` (when
    /// it happened) and `kind`. A detail that was itself called `at` (when a timer fires) is kept as
    /// `due_at`.
    public var timelineValue: Value {
        var details = self.details
        if let due = details["at"] { details["due_at"] = due }
        details["at"] = .instant(at)
        details["kind"] = .string(kind.rawValue)
        return .object(details)
    }
}
