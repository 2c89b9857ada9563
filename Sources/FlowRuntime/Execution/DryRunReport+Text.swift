import FlowEngine

extension DryRunReport {
    /// The timeline for people: one line per entry with the UTC time, the local time in
    /// `displayZone`, the kind, the state and what happened and why.
    public var text: String {
        let zone = displayZone
        func local(_ instant: Instant) -> String {
            guard let zone else { return "" }
            return "  " + Self.clock(zone.iso8601(instant), seconds: false)
        }
        var lines = [
            "\(flow) v\(version)\(agency.map { " · agency \($0)" } ?? "") · \(start) → \(end) · \(status)",
            zone.map { "local times in \($0.identifier)" } ?? "",
        ].filter { !$0.isEmpty }
        for entry in history where entry.kind != .timerSet {
            let kind = entry.kind.rawValue.padding(toLength: 16, withPad: " ", startingAt: 0)
            var line = "\(entry.at)\(local(entry.at))  \(kind)"
            if let state = entry.details["state"]?.stringValue { line += " \(state)" }
            let what = Self.describe(entry)
            if !what.isEmpty { line += (entry.details["state"] == nil ? " " : ": ") + what }
            lines.append(line)
        }
        lines.append("messages: \(messages.count) · alerts: \(alerts.count) · calls: "
                        + ["aeroapi", "twilio", "openai"].map { "\($0)=\(calls[$0] ?? 0)" }.joined(separator: " "))
        return lines.joined(separator: "\n")
    }

    /// What an entry says, in a few words.
    static func describe(_ entry: HistoryEntry) -> String {
        let d = entry.details
        func text(_ key: String) -> String { d[key].map { $0.stringValue ?? $0.jsonText } ?? "" }
        switch entry.kind {
        case .messageSent:
            var line = "\(text("type")) → \(text("to")) template \(text("template")) local \(text("local_time"))"
            if let from = d["deferred_from"], !from.isNull { line += " (deferred from \(from.stringValue ?? from.jsonText))" }
            return line + " " + (d["variables"]?.jsonText ?? "")
        case .deferred:
            let from = clock(text("from_local"), seconds: false)
            let to = clock(text("to_local"), seconds: false)
            return "deferred \(from) → \(to) \(text("zone")): \(text("reason"))"
        case .stepCalled: return "\(text("step")) attempt \(d["attempt"]?.intValue ?? 1)"
        case .stepSucceeded:
            // A check's verdict (e.g. itinerary.check): what was wrong, when it was.
            guard let output = d["output"], output["valid"] == false,
                  let errors = output["errors"]?.arrayValue?.compactMap(\.stringValue) else { return text("step") }
            return "\(text("step")): invalid: " + errors.joined(separator: "; ")
        case .stepFailed:
            return "\(text("step")) \(d["error"]?["code"]?.stringValue ?? "") \(d["error"]?["message"]?.stringValue ?? "")"
        case .retryScheduled: return "attempt \(d["attempt"]?.intValue ?? 0) at \(text("at"))"
        case .stepPaused:
            return "\(text("step")) paused after attempt \(d["attempt"]?.intValue ?? 0): "
                + "\(d["error"]?["code"]?.stringValue ?? "") \(d["error"]?["message"]?.stringValue ?? "")"
        case .resumed:
            return "\(text("step")) \(text("action"))" + (d["by"]?.stringValue.map { " by \($0)" } ?? "")
                + (d["note"]?.stringValue.map { ": \($0)" } ?? "")
        case .suppressed: return "\(text("type")) not sent: \(text("reason"))"
        case .duplicate: return "\(text("type")) \(text("key")) already sent"
        case .alert: return "\(text("code")): \(text("message"))"
        case .approvalRequested:
            let request = d["request"] ?? .null
            let expires = d["expires_at"]?.instantValue.map { " (expires \($0))" } ?? ""
            return "\(request["kind"]?.stringValue ?? "approval"): \(request["summary"]?.stringValue ?? "")\(expires)"
        case .approvalDecided:
            guard let decision = d["decision"], decision.objectValue != nil else {
                return "\(text("decision"))\(d["by"]?.stringValue.map { " by \($0)" } ?? "")"
            }
            return (decision["decision"]?.stringValue ?? "") + (decision["by"]?.stringValue.map { " by \($0)" } ?? "")
                + (decision["notes"]?.stringValue.map { ": \($0)" } ?? "")
        case .approvalNotified, .approvalReminded, .approvalEscalated:
            let names = d["approvers"]?.arrayValue?.compactMap(\.stringValue).joined(separator: ", ") ?? ""
            let channels = d["channels"]?.arrayValue?.compactMap(\.stringValue).joined(separator: "+") ?? ""
            let added = d["added"]?.arrayValue?.compactMap(\.stringValue).joined(separator: ", ")
            let number = d["number"]?.intValue.map { "#\($0) " } ?? ""
            return "\(number)\(channels) → \(added.map { "+\($0) (now \(names))" } ?? names): \(d["calls"]?.intValue ?? 0) notices"
        case .eventReceived:
            let delivered = d["delivered_to"]?.arrayValue?.isEmpty == false ? "" : " (no wait matched)"
            return text("name") + (d["key"]?.stringValue.map { " key \($0)" } ?? "") + delivered
        case .waitTimedOut: return "no \(text("waiting_for")) in time"
        case .completed:
            guard let error = d["error"], !error.isNull else { return text("status") }
            return "\(text("status")): \(error["code"]?.stringValue ?? "") \(error["message"]?.stringValue ?? "")"
        case .feedback:
            return "rated \(d["rating"]?.numberValue.map { String(Int($0)) } ?? "?")/5"
                + (d["comment"]?.stringValue.map { ": \($0)" } ?? "")
        case .modelUsage:
            let tokens = "\(text("model")) \(text("prompt_tokens"))+\(text("completion_tokens")) tokens"
            guard let cost = d["cost"]?.numberValue else { return tokens + ", " + text("reason") }
            return tokens + ", " + dollars(cost) + " " + text("currency")
        case .decided: return ExpressionTrace.sentence(entry.entry)
        case .stateEntered, .timerSet, .caught, .eventMatched, .branchCancelled, .ignored, .effectInDoubt, .other:
            return d["reason"]?.stringValue ?? ""
        }
    }

    /// A cost without an exponent: `0.0000105`, `1.25` (at most 10 decimals, trailing zeros dropped).
    static func dollars(_ amount: Double) -> String {
        let scaled = Int64((amount * 1e10).rounded())
        let whole = scaled / 10_000_000_000
        var fraction = String(abs(scaled % 10_000_000_000))
        fraction = String(repeating: "0", count: 10 - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return (amount < 0 && whole == 0 ? "-" : "") + String(whole) + (fraction.isEmpty ? "" : "." + fraction)
    }

    /// `HH:MM` (or `HH:MM:SS`) of an ISO-8601 local time such as `2026-07-07T21:10:00+01:00`.
    static func clock(_ iso: String, seconds: Bool) -> String {
        guard let t = iso.firstIndex(of: "T") else { return iso }
        return String(iso[iso.index(after: t)...].prefix(seconds ? 8 : 5))
    }
}
