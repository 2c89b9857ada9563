/// The explanation of a decision: what a `choice` compared and what it saw (the `decided` entry).
/// Built only when a choice is taken, from the conditions it evaluated; nothing else is read.
extension TransitionContext {
    /// The `decided` entry of choice `state` taking branch `taken` (nil: the default) to `next`.
    func decision(
        state: String, _ choice: ChoiceState, taken: Int?, next: String, in context: EvaluationContext
    ) -> TimelineEntry {
        let evaluated = taken.map { choice.branches[...$0] } ?? choice.branches[...]
        let conditions = evaluated.enumerated().map { (when: Self.conditionText($1.when), held: $0 == taken) }
        let trace = ExpressionTrace(evaluated.flatMap(\.when.expressions), in: context)
        var reason: String
        if let taken {
            reason = "`\(conditions[taken].when)` held → \(next)"
            if taken > 0 {
                reason += " (not held: " + conditions.dropLast().map { "`\($0.when)`" }.joined(separator: ", ") + ")"
            }
        } else {
            reason = "no condition held → default \(next)"
            if !conditions.isEmpty {
                reason += " (not held: " + conditions.map { "`\($0.when)`" }.joined(separator: ", ") + ")"
            }
        }
        if !trace.comparisons.isEmpty { reason += "; " + trace.comparisons.joined(separator: "; ") }
        // The values are in their own field; readers add them to the sentence (`ExpressionTrace.valuesText(of:)`),
        // so a choice taken at every poll does not format them.
        return .decided(state: state, branch: taken, next: next, conditions: conditions, trace: trace, reason: reason)
    }

    /// A condition as written, on one line (a folded `>-` block keeps no line breaks or runs of spaces).
    static func conditionText(_ template: ValueTemplate) -> String {
        switch template {
        case .expression(let source): source.compiled.oneLine
        case .literal(let value, _): value.interpolationText
        default: template.expressions.map(\.compiled.oneLine).joined(separator: " ")
        }
    }
}

extension TransitionContext {
    /// The `deferred` entry of a wait due at `due` inside quiet hours: where it moved, the window's
    /// rule (its expressions as written) and the values they and the wait's `until`/`for` read.
    func deferral(
        state: String, _ wait: WaitState, _ window: SendWindowSpec, _ sendWindow: SendWindow, due: Instant,
        decision: SendWindowDecision, notAfter: Instant?, in context: EvaluationContext
    ) -> TimelineEntry {
        let zone = sendWindow.zone
        let quietText = sendWindow.quiet.description
        let wake = decision.wakeAt
        func clock(_ instant: Instant) -> String {
            let local = zone.iso8601(instant)
            guard let t = local.firstIndex(of: "T") else { return local }
            return String(local[local.index(after: t)...].prefix(5))
        }
        var sources = window.quiet.expressions + window.zone.expressions
        var rule: [String: Value] = [
            "quiet": .string(Self.conditionText(window.quiet)), "zone": .string(Self.conditionText(window.zone)),
        ]
        switch wait.condition {
        case .duration(let template):
            sources = template.expressions + sources
            rule["for"] = .string(Self.conditionText(template))
        case .until(let template):
            sources = template.expressions + sources
            rule["until"] = .string(Self.conditionText(template))
        case .event: break
        }
        if let notAfterTemplate = window.notAfter {
            sources += notAfterTemplate.expressions
            rule["not_after"] = .string(Self.conditionText(notAfterTemplate))
        }
        let trace = ExpressionTrace(sources, in: context)
        var reason = "quiet hours \(quietText) \(zone.identifier): moved "
        reason += decision.reason == .deferredToWindowEnd ? "to the end of quiet hours" : "to before quiet hours (not_after)"
        reason += ": due \(clock(due)) local is inside quiet hours (\(rule["quiet"]?.stringValue ?? "") = \(quietText))"
        if decision.reason == .advancedBeforeWindow, let notAfter,
           let period = sendWindow.quietPeriod(containing: due) {
            reason += "; they end at \(clock(period.end)), after not_after \(clock(notAfter))"
                + " (\(rule["not_after"]?.stringValue ?? "") = \(notAfter))"
            reason += wake < now ? "; the last minute before them, \(clock(wake)), has passed: wakes now" : ""
        }
        reason += "; wakes \(clock(max(wake, now))) local"
        if !trace.values.isEmpty { reason += "; values: " + trace.valuesText }
        var fields: [String: Value] = [
            "quiet": .string(quietText),
            "decision": .string(decision.reason == .deferredToWindowEnd ? "deferred_to_window_end" : "advanced_before_window"),
            "rule": .object(rule), "values": trace.valuesField,
        ]
        if let notAfter {
            fields["not_after"] = .instant(notAfter)
            fields["not_after_local"] = .string(zone.iso8601(notAfter))
        }
        return .deferred(
            state: state, from: due, to: wake, zone: zone.identifier, fromLocal: zone.iso8601(due),
            toLocal: zone.iso8601(wake), reason: reason, rule: fields)
    }
}
