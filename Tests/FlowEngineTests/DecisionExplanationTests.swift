import FlowEngine
import Testing

private let here = Build.here

/// `reminder_gate` of the flight flow: the reminder only when its time is still ahead.
private let reminderGate = Build.flow("gate", [
    Build.state("gate", .choice(ChoiceState(branches: [
        .init(when: Build.expr("settings.reminder_enabled && input.departure - settings.reminder_before > now"),
              next: Build.name("wait_reminder"), location: here),
    ], defaultNext: Build.name("skipped")))),
    Build.succeed("wait_reminder", Build.lit("reminder")),
    Build.succeed("skipped", Build.lit("skipped")),
])

private let routeChanges = Build.flow("load", [
    Build.state("load", .set(SetState(values: [.init(name: Build.name("changes"), value: Build.expr("input.changes"))],
                                      next: Build.name("route")))),
    Build.state("route", .choice(ChoiceState(branches: [
        .init(when: Build.expr("vars.changes.cancelled"), next: Build.name("cancelled"), location: here),
        .init(when: Build.expr("vars.changes.delayed != null"), next: Build.name("delayed"), location: here),
    ], defaultNext: Build.name("nothing")))),
    Build.succeed("cancelled", Build.lit("cancelled")),
    Build.succeed("delayed", Build.lit("delayed")),
    Build.succeed("nothing", Build.lit("nothing")),
])

private func windowFlow(until: String, notAfter: String?) -> Flow {
    Build.flow("wait", [
        Build.wait("wait", .until(Build.expr(until)), window: SendWindowSpec(
            quiet: Build.expr("settings.quiet_hours"), zone: Build.lit("Europe/London"),
            notAfter: notAfter.map(Build.expr), location: here), next: "send"),
        Build.succeed("send", Build.lit("sent")),
    ])
}

private func entries(_ transition: Transition, _ kind: TimelineEntry.Kind) -> [TimelineEntry] {
    transition.actions.compactMap {
        if case .emit(let entry) = $0, entry.kind == kind { entry } else { nil }
    }
}

/// The `decided` and `deferred` entries: the rule that decided, and the values it read.
@Suite struct DecisionExplanationTests {
    static let settings: Value = [
        "reminder_enabled": true, "reminder_before": .duration(.hours(24)), "reminder_min_lead": .duration(.hours(12)),
        "quiet_hours": "20:00-09:00",
    ]

    @Test func aSkippedReminderNamesTheSettingAndTheValues() throws {
        // Three hours before departure: departure − 24h is long past.
        let run = Run(reminderGate, input: ["departure": .instant(.at("2026-07-08T21:05:00Z"))],
                      settings: Self.settings, at: .at("2026-07-08T18:05:00Z"))
        let decided = try #require(entries(run.transitions[0], .decided).first)
        #expect(decided.details["state"] == "gate")
        #expect(decided.details["branch"] == "default")
        #expect(decided.details["next"] == "skipped")
        #expect(decided.details["conditions"] == [[
            "when": "settings.reminder_enabled && input.departure - settings.reminder_before > now", "held": false,
        ]])
        #expect(decided.details["values"] == [
            "settings.reminder_enabled": true, "input.departure": .instant(.at("2026-07-08T21:05:00Z")),
            "settings.reminder_before": .duration(.hours(24)), "now": .instant(.at("2026-07-08T18:05:00Z")),
        ])
        #expect(decided.details["comparisons"] == [
            "input.departure - settings.reminder_before = 2026-07-07T21:05:00Z > now = 2026-07-08T18:05:00Z: false (difference -21h)",
        ])
        let reason = try #require(decided.reason)
        #expect(reason.hasPrefix("no condition held → default skipped"))
        #expect(ExpressionTrace.sentence(decided).hasSuffix(
            "; values: input.departure = 2026-07-08T21:05:00Z, now = 2026-07-08T18:05:00Z, settings.reminder_before = 1d, "
                + "settings.reminder_enabled = true"))
    }

    @Test func aTakenBranchListsTheConditionsEvaluatedBeforeIt() throws {
        let changes: Value = ["cancelled": false, "delayed": ["at": .instant(.at("2026-07-08T22:45:00Z"))]]
        let run = Run(routeChanges, input: ["changes": changes], settings: [:], at: .at("2026-07-08T17:05:00Z"))
        let decided = try #require(entries(run.transitions[0], .decided).first)
        #expect(decided.details["branch"] == 1)
        #expect(decided.details["next"] == "delayed")
        #expect(decided.details["conditions"] == [
            ["when": "vars.changes.cancelled", "held": false], ["when": "vars.changes.delayed != null", "held": true],
        ])
        #expect(decided.details["values"]?["vars.changes.cancelled"] == false)
        #expect(decided.details["values"]?["vars.changes.delayed"] == .string(#"{"at":"2026-07-08T22:45:00Z"}"#))
        #expect(decided.details["comparisons"] == [])
        #expect(decided.reason?.hasPrefix("`vars.changes.delayed != null` held → delayed (not held: `vars.changes.cancelled`)") == true)
    }

    @Test func valuesAreBoundedInNumberAndLength() throws {
        let long = String(repeating: "x", count: 500)
        let names = (0..<14).map { "vars.v\($0) == 'no'" }.joined(separator: " || ")
        let flow = Build.flow("route", [
            Build.state("route", .choice(ChoiceState(branches: [
                .init(when: Build.expr(names + " || input.long == 'x'"), next: Build.name("yes"), location: here),
            ], defaultNext: Build.name("no")))),
            Build.succeed("yes", Build.lit("yes")), Build.succeed("no", Build.lit("no")),
        ])
        let run = Run(flow, input: ["long": .string(long)], settings: [:], at: .at("2026-07-08T17:05:00Z"))
        let decided = try #require(entries(run.transitions[0], .decided).first)
        let values = try #require(decided.details["values"]?.objectValue)
        #expect(values.count == ExpressionTrace.maximumValues)
        #expect(values["input.long"] == nil)  // the eleventh path is not read
        let trace = ExpressionTrace(Build.expr("input.long"), in: EvaluationContext(bindings: ["input": ["long": .string(long)]]))
        #expect(trace.valuesField["input.long"]?.stringValue?.count == ExpressionTrace.maximumText + 1)
    }

    @Test func onlySettingsVarsInputAndNowAreRead() {
        let context = EvaluationContext(bindings: [
            "input": ["a": 1], "secret": ["token": "s3cr3t"], "vars": ["b": 2], "now": .instant(.at("2026-07-08T17:05:00Z")),
        ])
        let trace = ExpressionTrace(Build.expr("secret.token != null && input.a < vars.b && now > now"), in: context)
        #expect(trace.values.map { $0.path } == ["input.a", "vars.b", "now"])
        #expect(!trace.valuesText.contains("s3cr3t"))
    }

    @Test func aQuietHoursDeferralCarriesTheRuleAndTheValues() throws {
        // Due 22:05 London (21:05Z): inside 20:00-09:00, so 09:00 the next morning.
        let flow = windowFlow(until: "input.departure - settings.reminder_before", notAfter: nil)
        let run = Run(flow, input: ["departure": .instant(.at("2026-07-08T21:05:00Z"))], settings: Self.settings,
                      at: .at("2026-07-06T10:00:00Z"))
        let deferred = try #require(entries(run.transitions[0], .deferred).first)
        #expect(deferred.details["to"] == .instant(.at("2026-07-08T08:00:00Z")))
        #expect(deferred.details["quiet"] == "20:00-09:00")
        #expect(deferred.details["decision"] == "deferred_to_window_end")
        #expect(deferred.details["rule"] == [
            "quiet": "settings.quiet_hours", "zone": "Europe/London", "until": "input.departure - settings.reminder_before",
        ])
        #expect(deferred.details["values"] == [
            "input.departure": .instant(.at("2026-07-08T21:05:00Z")), "settings.reminder_before": .duration(.hours(24)),
            "settings.quiet_hours": "20:00-09:00",
        ])
        #expect(deferred.reason?.hasPrefix(
            "quiet hours 20:00-09:00 Europe/London: moved to the end of quiet hours: due 22:05 local is inside quiet hours "
                + "(settings.quiet_hours = 20:00-09:00); wakes 09:00 local") == true)
    }

    @Test func aNotAfterAlreadyPastWakesNowAndSaysWhy() throws {
        // Due 22:05 London, inside 20:00-09:00; not_after (departure − 12h) is 08:40 London, before the
        // window ends, so the wake-up is the last minute before it began (19:59), already past at 21:30.
        let flow = windowFlow(until: "input.due", notAfter: "input.departure - settings.reminder_min_lead")
        let run = Run(flow, input: ["due": .instant(.at("2026-07-07T21:05:00Z")),
                                    "departure": .instant(.at("2026-07-08T19:40:00Z"))],
                      settings: Self.settings, at: .at("2026-07-07T20:30:00Z"))
        let deferred = try #require(entries(run.transitions[0], .deferred).first)
        #expect(deferred.details["decision"] == "advanced_before_window")
        #expect(deferred.details["not_after"] == .instant(.at("2026-07-08T07:40:00Z")))
        #expect(deferred.details["not_after_local"] == "2026-07-08T08:40:00+01:00")
        #expect(deferred.details["values"]?["settings.reminder_min_lead"] == .duration(.hours(12)))
        let reason = try #require(deferred.reason)
        #expect(reason.contains("they end at 09:00, after not_after 08:40"))
        #expect(reason.contains("the last minute before them, 19:59, has passed: wakes now"))
        #expect(run.last.contains("timer i/t1 2026-07-07T20:30:00Z"))
    }

    @Test func aDelayBelowTheThresholdIsListedAsNotAnnounced() throws {
        let scheduled = Value.instant(.at("2026-07-08T21:05:00Z"))
        let current: Value = ["scheduled_out": scheduled, "estimated_out": .instant(.at("2026-07-08T21:17:00Z"))]
        let result = FlightDiff.evaluate(previous: nil, current: current, threshold: .minutes(15))
        #expect(result["delayed"] == .null)
        let item = try #require(result["not_announced"]?.arrayValue?.first)
        #expect(item["change"] == "delayed")
        #expect(item["delay"] == .duration(.minutes(12)))
        #expect(item["threshold"] == .duration(.minutes(15)))
        #expect(item["reason"]?.stringValue?.hasPrefix("delay not announced: 12m < delay_threshold 15m") == true)
        // At or past the threshold it is announced, and nothing is listed.
        let late = FlightDiff.evaluate(
            previous: nil, current: ["scheduled_out": scheduled, "estimated_out": .instant(.at("2026-07-08T21:20:00Z"))],
            threshold: .minutes(15))
        #expect(late["delayed"] != .null)
        #expect(late["not_announced"] == nil)
        // On time: nothing listed either.
        #expect(FlightDiff.evaluate(previous: nil, current: ["scheduled_out": scheduled, "estimated_out": scheduled])["not_announced"] == nil)
    }
}
