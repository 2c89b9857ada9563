public import FlowEngine

/// Timeline entries for a `notify.send` result: `message_sent`, or `suppressed` (with an alert) and `duplicate`.
enum NotificationTimeline {
    static func entries(for result: Value, arguments: [String: Value], at now: Instant) -> [TimelineEntry] {
        let fields = result.objectValue ?? [:]
        let zone = arguments["zone"]?.stringValue.flatMap(ZoneRules.init(identifier:))
        let localTime = zone.map { $0.iso8601(now) }
        let deferredFrom = arguments["deferred_from"] ?? .null
        switch result["status"]?.stringValue {
        case "sent":
            return [.messageSent(result: fields, localTime: localTime, deferredFrom: deferredFrom)]
        case "duplicate":
            return [.duplicate(result: fields, localTime: localTime, deferredFrom: deferredFrom)]
        case "suppressed":
            let reason = result["reason"]?.stringValue ?? "cap"
            return [
                .suppressed(result: fields, localTime: localTime, deferredFrom: deferredFrom),
                .alert(
                    code: "NOTIFICATION_SUPPRESSED",
                    message: "\(result["type"]?.stringValue ?? "message") suppressed: \(reason)"),
            ]
        default: return []
        }
    }
}
