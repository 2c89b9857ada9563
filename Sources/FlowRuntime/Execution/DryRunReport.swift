public import FlowEngine

/// The result of a dry-run: the contract's JSON object (`domain/dry-run.md`) and a text timeline.
public struct DryRunReport: Sendable {
    public var flow: String
    public var version: String
    public var agency: String?
    public var start: Instant
    public var end: Instant
    public var status: String
    public var history: [HistoryEntry]
    public var calls: [String: Int]

    /// Every message Twilio accepted, in order.
    public var messages: [Value] {
        history.filter { $0.kind == "message_sent" }.map { entry in
            .object([
                "at": .instant(entry.at), "local_time": entry.details["local_time"] ?? .null,
                "type": entry.details["type"] ?? .null, "to": entry.details["to"] ?? .null,
                "template": entry.details["template"] ?? .null, "variables": entry.details["variables"] ?? .null,
                "deferred_from": entry.details["deferred_from"] ?? .null,
            ])
        }
    }

    public var alerts: [Value] {
        history.filter { $0.kind == "alert" }.map { entry in
            .object(["at": .instant(entry.at), "code": entry.details["code"] ?? .null,
                     "message": entry.details["message"] ?? .null])
        }
    }

    public var json: Value {
        .object([
            "flow": .string(flow), "version": .string(version), "agency": agency.map(Value.string) ?? .null,
            "start": .instant(start), "end": .instant(end), "status": .string(status), "messages": .array(messages),
            "timeline": .array(history.map { entry in
                var details = entry.details.objectValue ?? [:]
                details["at"] = .instant(entry.at)
                details["kind"] = .string(entry.kind)
                return .object(details)
            }),
            "calls": .object(calls.mapValues { .number(Double($0)) }), "alerts": .array(alerts),
        ])
    }

    /// One line per entry for people: time, kind, state and what matters.
    public var text: String {
        var lines = ["\(flow) v\(version)\(agency.map { " (agency \($0))" } ?? "") from \(start) — \(status)"]
        for entry in history where entry.kind != "timer_set" {
            let d = entry.details
            var line = "\(entry.at)  \(entry.kind.padding(toLength: 16, withPad: " ", startingAt: 0))"
            if let state = d["state"]?.stringValue { line += " \(state)" }
            switch entry.kind {
            case "message_sent":
                line += " \(d["type"]?.stringValue ?? "") → \(d["to"]?.stringValue ?? "") local \(d["local_time"]?.stringValue ?? "-")"
                line += " \(d["variables"]?.jsonText ?? "")"
            case "deferred": line += " \(d["reason"]?.stringValue ?? "") (\(d["from_local"]?.stringValue ?? "") → \(d["to_local"]?.stringValue ?? ""))"
            case "step_called": line += " \(d["step"]?.stringValue ?? "") #\(d["attempt"]?.intValue ?? 1)"
            case "step_failed": line += " \(d["error"]?["code"]?.stringValue ?? "") \(d["error"]?["message"]?.stringValue ?? "")"
            case "retry_scheduled": line += " attempt \(d["attempt"]?.intValue ?? 0) at \(d["at"]?.jsonText ?? "")"
            case "suppressed", "duplicate": line += " \(d["type"]?.stringValue ?? "") \(d["reason"]?.stringValue ?? d["key"]?.stringValue ?? "")"
            case "alert": line += " \(d["code"]?.stringValue ?? ""): \(d["message"]?.stringValue ?? "")"
            case "completed": line += " \(d["status"]?.stringValue ?? "")"
            default: break
            }
            lines.append(line)
        }
        lines.append("calls: " + calls.keys.sorted().map { "\($0)=\(calls[$0]!)" }.joined(separator: " "))
        return lines.joined(separator: "\n")
    }
}

import Foundation
