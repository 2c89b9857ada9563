public import FlowEngine
public import FlowRuntime

/// Timeline notes for a `notify.send` result: `message_sent`, or `suppressed` (with an alert) and `duplicate`.
enum NotificationTimeline {
    static func notes(for result: Value, arguments: [String: Value], at now: Instant) -> [TimelineNote] {
        var details = result.objectValue ?? [:]
        let zone = arguments["zone"]?.stringValue.flatMap(ZoneRules.init(identifier:))
        details["local_time"] = zone.map { .string($0.iso8601(now)) } ?? .null
        details["deferred_from"] = arguments["deferred_from"] ?? .null
        switch result["status"]?.stringValue {
        case "sent": return [TimelineNote("message_sent", details)]
        case "duplicate": return [TimelineNote("duplicate", details)]
        case "suppressed":
            let reason = result["reason"]?.stringValue ?? "cap"
            return [
                TimelineNote("suppressed", details),
                TimelineNote("alert", [
                    "code": "NOTIFICATION_SUPPRESSED",
                    "message": .string("\(result["type"]?.stringValue ?? "message") suppressed: \(reason)"),
                ]),
            ]
        default: return []
        }
    }
}
