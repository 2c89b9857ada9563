public import FlowEngine

/// Why a message type was (or was not) sent, read from an instance's timeline and its flow
/// (`flowctl explain --message TYPE`): each time it was sent, and the entries on the way that
/// deferred it or led away from it — the `choice` decisions that skipped its state (with their
/// conditions and values), quiet-hours deferrals (with the window's rule), a cap's suppression, a
/// duplicate, a failed send, a change a step saw but did not announce (`flight.diff`'s
/// `not_announced`), a branch cancelled on its way to a sender, the instance's end. Pure: the caller loads the timeline.
public struct MessageExplanation: Sendable {
    /// One entry of the timeline that explains something about the message.
    public struct Finding: Sendable, Hashable {
        /// `sent`, `deferred`, `decided`, `not_announced`, `suppressed`, `duplicate`, `failed`,
        /// `branch_cancelled`, `ended` or `waiting`.
        public var kind: String
        public var at: Instant
        public var state: String?
        /// One sentence: what happened and why, with the rule and the values.
        public var reason: String
        /// The timeline entry it comes from (`HistoryEntry.timelineValue`), null for `waiting`.
        public var entry: Value
    }

    public var type: String
    /// The states that send the type (literal `type:` of a `notify.send`).
    public var senders: [String]
    /// Whether a `message_sent` of the type is in the timeline.
    public var sent: Bool
    public var findings: [Finding]
    /// The zone local times are shown in.
    public var zone: ZoneRules?

    /// `status` is the instance's (`waiting` or `running` when it has not ended, which the text says).
    public init(type: String, flow: Flow, history: [HistoryEntry], status: String, zone: ZoneRules?) {
        let route = MessageRoute(type: type, flow: flow)
        let sent = history.contains { $0.kind == .messageSent && $0.details["type"]?.stringValue == type }
        self.type = type
        self.zone = zone
        self.sent = sent
        senders = route.senders
        var findings: [Finding] = []
        func add(_ kind: String, _ entry: HistoryEntry, _ reason: String) {
            findings.append(Finding(kind: kind, at: entry.at, state: entry.entry.state, reason: reason,
                                    entry: entry.timelineValue))
        }
        let isType = { (entry: HistoryEntry) in entry.details["type"]?.stringValue == type }
        for entry in history {
            let d = entry.details
            func text(_ key: String) -> String { d[key].map { $0.stringValue ?? $0.jsonText } ?? "" }
            switch entry.kind {
            case .messageSent where isType(entry):
                var reason = "sent to \(text("to")) (template \(text("template"))), local \(text("local_time"))"
                if let from = d["deferred_from"], !from.isNull { reason += ", deferred from \(from.stringValue ?? from.jsonText)" }
                add("sent", entry, reason)
            case .duplicate where isType(entry):
                add("duplicate", entry, "not sent again: \(type) with key \(text("key")) was already sent for this trip")
            case .suppressed where isType(entry):
                add("suppressed", entry, "not sent: \(text("reason"))")
            case .deferred where entry.entry.state.map({ route.precedesSend($0) }) == true:
                add("deferred", entry, "\(text("from_local")) → \(text("to_local")): \(text("reason"))")
            case .decided where !sent:
                guard let state = entry.entry.state, let next = d["next"]?.stringValue,
                      route.ledAway(choice: state, to: next) else { continue }
                add("decided", entry, ExpressionTrace.sentence(entry.entry))
            case .stepFailed where entry.entry.state.map({ route.senders.contains($0) }) == true:
                let error = d["error"] ?? .null
                add("failed", entry, "the send failed: \(error["code"]?.stringValue ?? "") \(error["message"]?.stringValue ?? "")")
            case .stepSucceeded:
                for item in d["output"]?["not_announced"]?.arrayValue ?? []
                where item["change"]?.stringValue?.uppercased() == type {
                    add("not_announced", entry, "\(text("step")): \(item["reason"]?.stringValue ?? item.jsonText)")
                }
            case .branchCancelled where !sent && entry.entry.state.map({ route.distances[$0] != nil }) == true:
                // Only a branch cancelled on its way to a sender (not a listener ended by `join: any`).
                add("branch_cancelled", entry, "branch \(text("frame")) was cancelled in state \(text("state"))")
            case .completed where !sent:
                var reason = "the instance ended (\(text("status"))) before any \(type) was sent"
                if let output = d["output"], !output.isNull { reason += ": output \(output.jsonText)" }
                if let error = d["error"], !error.isNull { reason += ": \(error["message"]?.stringValue ?? error.jsonText)" }
                add("ended", entry, reason)
            default: continue
            }
        }
        if !sent, status == "waiting" || status == "running", let last = history.last {
            findings.append(Finding(kind: "waiting", at: last.at, state: nil,
                                    reason: "the instance has not ended (\(status)): \(type) may still be sent",
                                    entry: .null))
        }
        self.findings = findings
    }

    /// `{type, sent, senders, findings: [{kind, at, local_time, state, reason, entry}]}`.
    public var json: Value {
        .object([
            "type": .string(type), "sent": .bool(sent), "senders": .array(senders.map(Value.string)),
            "findings": .array(findings.map { finding in
                Value.object([
                    "kind": .string(finding.kind), "at": .instant(finding.at),
                    "local_time": zone.map { Value.string($0.iso8601(finding.at)) } ?? .null,
                    "state": finding.state.map(Value.string) ?? .null, "reason": .string(finding.reason),
                    "entry": finding.entry,
                ])
            }),
        ])
    }

    /// For people: a verdict line, the sending states, then one line per finding (the UTC time, the
    /// local time, the kind, the state, the reason). The same decision taken again and again (a
    /// choice at every poll) is one line: its latest reason and how many times since when.
    public var text: String {
        let count = findings.filter { $0.kind == "sent" }.count
        var lines = [
            sent ? "\(type): sent \(count) time\(count == 1 ? "" : "s")" : "\(type): not sent",
            senders.isEmpty ? "no notify.send state of this flow sends \(type) (type: \(type) as a literal)"
                : "sent by: " + senders.joined(separator: ", "),
        ]
        if let zone { lines.append("local times in \(zone.identifier)") }
        var index = 0
        while index < findings.count {
            let finding = findings[index]
            var last = index
            while finding.kind == "decided", last + 1 < findings.count, findings[last + 1].kind == "decided",
                  findings[last + 1].state == finding.state,
                  findings[last + 1].entry["next"] == finding.entry["next"] {
                last += 1
            }
            let shown = findings[last]
            var line = "\(shown.at)"
            if let zone { line += "  " + DryRunReport.clock(zone.iso8601(shown.at), seconds: false) }
            line += "  " + shown.kind.padding(toLength: 16, withPad: " ", startingAt: 0)
            if let state = shown.state { line += " \(state):" }
            line += " " + shown.reason
            if last > index { line += " (\(last - index + 1) times since \(finding.at))" }
            lines.append(line)
            index = last + 1
        }
        if findings.isEmpty { lines.append("nothing in the timeline is about \(type)") }
        return lines.joined(separator: "\n")
    }
}

extension MessageExplanation {
    /// The explanation for stored instance `id` (its timeline and the flow it started on, read from
    /// the stored definition's source); nil when there is no such instance. Throws when the stored
    /// definition is missing or no longer parses.
    public static func load(id: String, type: String, from store: some FlowStore) async throws -> MessageExplanation? {
        guard let loaded = try await StoredInstanceReport.load(id: id, from: store) else { return nil }
        guard let definition = try await store.definition(hash: loaded.instance.definitionHash) else {
            throw MessageExplanationError(message: "the definition \(loaded.instance.definitionHash) of \(id) is not stored")
        }
        let (flow, diagnostics) = FlowLoader.load(SourceFile(path: "\(definition.name).yaml", text: definition.source))
        guard let flow else {
            throw MessageExplanationError(
                message: "the stored definition of \(definition.name) does not load: \(diagnostics.first?.message ?? "")")
        }
        return MessageExplanation(
            type: type, flow: flow, history: loaded.report.history, status: loaded.report.status,
            zone: loaded.report.displayZone)
    }

    /// The explanation of a dry-run: its report and the flow that ran.
    public init(type: String, flow: Flow, report: DryRunReport) {
        self.init(type: type, flow: flow, history: report.history, status: report.status, zone: report.displayZone)
    }
}

/// Why an explanation could not be made (the stored definition is missing or does not load).
public struct MessageExplanationError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
