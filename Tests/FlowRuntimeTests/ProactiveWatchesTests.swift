import FlowEngine
import FlowRuntime
import Foundation
import Testing
import Travel

/// The three shipped watches (`price-watch`, `calendar-gap`, `budget-surplus`) dry-run over a week of
/// virtual time with `examples/proactive/`: they fire at their local times in the user's zone across
/// the end of summer time in Madrid (Sunday 2026-10-25), respect the cool-down and opt-outs, and
/// say in the timeline (`suppressed` entries) why they stayed silent.
@Suite("Proactive watches over a week")
struct ProactiveWatchesTests {
    static let root = URL(fileURLWithPath: FlightScenario.workflows).deletingLastPathComponent().path

    static func run(
        _ flow: String, fixtures: String, start: String, until: String
    ) async throws -> DryRunReport {
        let outcome = await DryRunInvocation(
            flowPath: root + "/workflows/\(flow).yaml", inputPath: root + "/examples/proactive/input.json",
            fixturesPath: fixtures, start: start, until: until, format: .json, product: TravelProduct())
            .run(now: Instant(iso8601: "2026-01-01T00:00:00Z")!)
        #expect(outcome.exitCode == 0, "\(outcome.standardError)")
        let report = try #require(outcome.report)
        #expect(report.status == "waiting", "a watch never ends")
        return report
    }

    static func example(_ name: String) -> String { root + "/examples/proactive/\(name).yaml" }

    /// When each call of `step` was made, as ISO-8601.
    static func calls(_ report: DryRunReport, _ step: String) -> [String] {
        report.history.filter { $0.kind == .stepCalled && $0.details["step"] == .string(step) }.map(\.at.iso8601)
    }

    static func emitted(_ report: DryRunReport) -> [Value] {
        report.history.filter { $0.kind == .stepCalled && $0.details["step"] == "event.emit" }
            .compactMap { $0.details["input"]?["payload"] }
    }

    static func suppressed(_ report: DryRunReport) -> [String] {
        report.history.filter { $0.kind == .suppressed }.compactMap { $0.details["reason"]?.stringValue }
    }

    @Test("calendar-gap: daily 09:00 Madrid (07:00Z, then 08:00Z after the DST change); the longest gap every 3 days")
    func calendarGap() async throws {
        let report = try await Self.run(
            "calendar-gap", fixtures: Self.example("calendar-gap"), start: "2026-10-22T00:00:00Z",
            until: "2026-10-29T00:00:00Z")
        #expect(Self.calls(report, "planning.profile") == [
            "2026-10-22T07:00:00Z", "2026-10-23T07:00:00Z", "2026-10-24T07:00:00Z", "2026-10-25T08:00:00Z",
            "2026-10-26T08:00:00Z", "2026-10-27T08:00:00Z", "2026-10-28T08:00:00Z",
        ])
        // The backend is asked only when a suggestion may follow.
        #expect(Self.calls(report, "http.request") == ["2026-10-22T07:00:00Z", "2026-10-25T08:00:00Z", "2026-10-28T08:00:00Z"])
        let emitted = Self.emitted(report)
        #expect(emitted.count == 3)
        #expect(emitted.first?["trigger_type"] == "calendar_gap" && emitted.first?["user_id"] == "u-42")
        #expect(emitted.first?["context"] == ["start": "2026-11-20", "end": "2026-11-24", "days": 5])
        #expect(emitted.first?["request_id"] == "dry-run/2026-10-22T07:00:00Z")
        let reasons = Self.suppressed(report)
        #expect(reasons.count == 4)
        #expect(reasons.first == "a gap was suggested at 2026-10-22T07:00:00Z; the cool-down of 3d ends at 2026-10-25T07:00:00Z")
    }

    @Test("calendar-gap for a user who opted out: every fire suppressed, the calendar never read")
    func calendarGapOptedOut() async throws {
        let text = try String(contentsOfFile: Self.example("calendar-gap"), encoding: .utf8)
            .replacingOccurrences(of: "quiet_hours: \"22:00-08:00\" }", with: "notification_opt_outs: [calendar_gap] }")
        #expect(text.contains("notification_opt_outs"))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("opted-out-\(UUID().uuidString).yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let report = try await Self.run("calendar-gap", fixtures: path, start: "2026-10-22T00:00:00Z", until: "2026-10-29T00:00:00Z")
        #expect(Self.calls(report, "planning.profile").count == 7)
        #expect(Self.calls(report, "http.request").isEmpty && Self.emitted(report).isEmpty)
        #expect(Self.suppressed(report) == Array(
            repeating: "the user opted out of calendar_gap suggestions; the calendar was not read", count: 7))
    }

    @Test("price-watch: every 6 h in Madrid's day; only the route that dropped 15 % or more, then the cool-down")
    func priceWatch() async throws {
        let report = try await Self.run(
            "price-watch", fixtures: Self.example("price-watch"), start: "2026-10-22T00:00:00Z",
            until: "2026-10-29T00:00:00Z")
        let fires = Self.calls(report, "planning.profile")
        #expect(fires.count == 28)
        #expect(fires.prefix(4) == ["2026-10-22T04:00:00Z", "2026-10-22T10:00:00Z", "2026-10-22T16:00:00Z", "2026-10-22T22:00:00Z"])
        #expect(fires.contains("2026-10-25T05:00:00Z") && fires.last == "2026-10-28T23:00:00Z")
        let emitted = Self.emitted(report)
        #expect(emitted.count == 1)
        let context = try #require(emitted.first?["context"])
        #expect(context["route"] == "EZE-MAD" && context["old_price"] == 1200 && context["new_price"] == 950)
        #expect(context["savings"] == 250 && context["drop_pct"] == 20.8 && context["currency"] == "EUR")
        #expect(Self.calls(report, "event.emit") == ["2026-10-23T10:00:00Z"])
        // Within 72 h of the suggestion the backend is not asked; after it, again.
        let asked = Self.calls(report, "http.request")
        #expect(!asked.contains("2026-10-23T16:00:00Z") && asked.contains("2026-10-26T11:00:00Z"))
        #expect(Self.suppressed(report).count == 11)
    }

    @Test("budget-surplus: Mondays 10:00 Madrid (08:00Z in summer time, 09:00Z after); only a surplus over 200")
    func budgetSurplus() async throws {
        let report = try await Self.run(
            "budget-surplus", fixtures: Self.example("budget-surplus"), start: "2026-10-19T00:00:00Z",
            until: "2026-10-27T00:00:00Z")
        #expect(Self.calls(report, "http.request") == ["2026-10-19T08:00:00Z", "2026-10-26T09:00:00Z"])
        let emitted = Self.emitted(report)
        #expect(emitted.count == 1 && emitted.first?["trigger_type"] == "budget_surplus")
        #expect(emitted.first?["context"]?["surplus"] == 350 && emitted.first?["context"]?["currency"] == "EUR")
    }
}
