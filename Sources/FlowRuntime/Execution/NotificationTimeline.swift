public import FlowEngine

/// Timeline entries for a `notify.send` result: `message_sent`, or `suppressed` (with an alert) and `duplicate`.
enum NotificationTimeline {
    static func entries(for result: Value, arguments: [String: Value], at now: Instant) -> [HistoryEntry] {
        let fields = result.objectValue ?? [:]
        let zone = arguments["zone"]?.stringValue.flatMap(ZoneRules.init(identifier:))
        let localTime = zone.map { $0.iso8601(now) }
        let deferredFrom = arguments["deferred_from"] ?? .null
        switch result["status"]?.stringValue {
        case "sent":
            let sent = TimelineEntry.messageSent(result: fields, localTime: localTime, deferredFrom: deferredFrom)
            return [HistoryEntry(at: now, sent)]
        case "duplicate":
            return [HistoryEntry(at: now, .duplicate(result: fields, localTime: localTime, deferredFrom: deferredFrom))]
        case "suppressed":
            let reason = result["reason"]?.stringValue ?? "cap"
            return [
                HistoryEntry(at: now, .suppressed(result: fields, localTime: localTime, deferredFrom: deferredFrom)),
                HistoryEntry(at: now, .alert(
                    code: "NOTIFICATION_SUPPRESSED",
                    message: "\(result["type"]?.stringValue ?? "message") suppressed: \(reason)")),
            ]
        default: return []
        }
    }
}
