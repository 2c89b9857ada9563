public import FlowEngine

/// Timeline entries for a `notify.send` result: `message_sent`, or `suppressed` (with an alert) and `duplicate`.
enum NotificationTimeline {
    static func entries(for result: Value, arguments: [String: Value], at now: Instant) -> [HistoryEntry] {
        var details = result.objectValue ?? [:]
        let zone = arguments["zone"]?.stringValue.flatMap(ZoneRules.init(identifier:))
        details["local_time"] = zone.map { .string($0.iso8601(now)) } ?? .null
        details["deferred_from"] = arguments["deferred_from"] ?? .null
        switch result["status"]?.stringValue {
        case "sent": return [HistoryEntry(at: now, kind: "message_sent", details: .object(details))]
        case "duplicate": return [HistoryEntry(at: now, kind: "duplicate", details: .object(details))]
        case "suppressed":
            let reason = result["reason"]?.stringValue ?? "cap"
            return [
                HistoryEntry(at: now, kind: "suppressed", details: .object(details)),
                HistoryEntry(at: now, kind: "alert", details: [
                    "code": "NOTIFICATION_SUPPRESSED",
                    "message": .string("\(result["type"]?.stringValue ?? "message") suppressed: \(reason)"),
                ]),
            ]
        default: return []
        }
    }
}
