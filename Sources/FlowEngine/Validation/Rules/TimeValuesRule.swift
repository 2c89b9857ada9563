#if canImport(FoundationEssentials)
import FoundationEssentials
#endif
import Foundation

/// T201–T205: literal durations, cron expressions, zones, windows and instants parse.
/// A value given as exactly `${{ settings.x }}` is checked as the setting's (possibly
/// overridden) value, at that value's location; other expressions are left to the checker.
struct TimeValuesRule: ValidationRule {
    func check(_ flow: Flow, in context: ValidationContext) -> [Diagnostic] {
        var out: [Diagnostic] = []
        func resolved(_ template: ValueTemplate?) -> Located<Value>? { flow.settledValue(of: template) }
        func duration(_ template: ValueTemplate?, _ what: String) {
            guard let value = resolved(template) else { return }
            if let text = value.value.stringValue, TimeSpan(parsing: text) != nil { return }
            if case .duration = value.value { return }
            out.append(.error(.invalidDuration,
                              "\(what) '\(SettingDeclaration.text(value.value))' is not a duration (use 90s, 15m, 2h, 1d, 1h30m)",
                              at: value.location))
        }
        func instant(_ template: ValueTemplate?, _ what: String) {
            guard let template, let value = template.literalValue else { return }
            if let text = value.stringValue, Instant(iso8601: text) != nil { return }
            out.append(.error(.invalidInstant, "\(what) '\(SettingDeclaration.text(value))' is not an ISO-8601 instant with an offset",
                              at: template.location))
        }
        func zone(_ text: String, at location: SourceLocation) {
            guard !ZoneNames.isKnown(text) else { return }
            out.append(.error(.unknownZone, "unknown time zone '\(text)' (use an IANA name such as Europe/London)", at: location))
        }
        // Flows repeat one quiet window (usually a setting) on every wait: each text is parsed once.
        var windows: [String: Bool] = [:]
        func isWindow(_ text: String?) -> Bool {
            guard let text else { return false }
            if let known = windows[text] { return known }
            let valid = TimeWindow(parsing: text) != nil
            windows[text] = valid
            return valid
        }
        for trigger in flow.triggers {
            guard case .schedule(let schedule) = trigger else { continue }
            do {
                _ = try CronSchedule(parsing: schedule.cron.value)
            } catch {
                out.append(.error(.invalidCron, "cron '\(schedule.cron.value)': \(error)", at: schedule.cron.location))
            }
            zone(schedule.zone.value, at: schedule.zone.location)
        }
        for walked in context.walk(of: flow).states {
            let state = walked.state
            switch state.kind {
            case .step(let step):
                duration(step.timeout, "timeout")
                duration(step.retry?.initial, "initial")
                duration(step.retry?.maxDelay, "max_delay")
                duration(step.retry?.budget, "budget")
            case .wait(let wait):
                switch wait.condition {
                case .duration(let t): duration(t, "for")
                case .until(let t): instant(t, "until")
                case .event(let e):
                    duration(e.timeout, "timeout")
                    duration(e.lookback, "lookback")
                }
                if let window = wait.window {
                    if let value = resolved(window.quiet), !isWindow(value.value.stringValue) {
                        out.append(.error(.invalidWindow,
                                          "quiet '\(SettingDeclaration.text(value.value))' is not a window (use HH:MM-HH:MM)",
                                          at: value.location))
                    }
                    if let value = resolved(window.zone) {
                        zone(value.value.stringValue ?? value.value.jsonText, at: value.location)
                    }
                    instant(window.notAfter, "not_after")
                }
            case .approval(let approval): duration(approval.expiresIn, "expires_in")
            default: break
            }
        }
        return out
    }
}
