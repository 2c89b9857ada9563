import FlowEngine
import Testing

@Suite("Calendar: send windows")
struct CalendarSendWindowTests {
    static func t(_ text: String) -> Instant { Instant(iso8601: text)! }

    static func window(_ quiet: String, _ zone: String) -> SendWindow {
        SendWindow(quiet: TimeWindow(parsing: quiet)!, zone: ZoneRules(identifier: zone)!)
    }

    @Test(
        "schedule",
        arguments: [
            // Outside quiet hours: send when due.
            (
                "20:00-09:00", "America/Argentina/Buenos_Aires", "2026-07-08T15:00:00Z", nil as String?,
                "2026-07-08T15:00:00Z", SendWindowDecision.Reason.allowed
            ),
            // 23:00 local, window wraps midnight: defer to 09:00 local next day (12:00Z).
            (
                "20:00-09:00", "America/Argentina/Buenos_Aires", "2026-07-09T02:00:00Z", nil,
                "2026-07-09T12:00:00Z", .deferredToWindowEnd
            ),
            // 03:00 local, after midnight inside the same window: same end.
            (
                "20:00-09:00", "America/Argentina/Buenos_Aires", "2026-07-09T06:00:00Z", nil,
                "2026-07-09T12:00:00Z", .deferredToWindowEnd
            ),
            // notAfter before the window end: last allowed minute before 20:00 local (23:00Z) → 22:59Z.
            (
                "20:00-09:00", "America/Argentina/Buenos_Aires", "2026-07-09T02:00:00Z", "2026-07-09T10:00:00Z",
                "2026-07-08T22:59:00Z", .advancedBeforeWindow
            ),
            // notAfter later than the end: deferral stands.
            (
                "20:00-09:00", "America/Argentina/Buenos_Aires", "2026-07-09T02:00:00Z", "2026-07-09T12:00:00Z",
                "2026-07-09T12:00:00Z", .deferredToWindowEnd
            ),
            // A window that does not wrap.
            ("12:00-14:00", "Europe/London", "2026-07-08T11:30:00Z", nil, "2026-07-08T13:00:00Z", .deferredToWindowEnd),
            // End is exclusive: 09:00 local is allowed.
            ("20:00-09:00", "Europe/London", "2026-07-09T08:00:00Z", nil, "2026-07-09T08:00:00Z", .allowed),
            // DST day in London, 2026-03-29: clocks go 01:00 GMT → 02:00 BST. 23:30 GMT on the 28th
            // is in the window; it ends at 09:00 BST = 08:00Z.
            ("22:00-09:00", "Europe/London", "2026-03-28T23:30:00Z", nil, "2026-03-29T08:00:00Z", .deferredToWindowEnd),
            // Autumn change 2026-10-25 (02:00 BST → 01:00 GMT): 09:00 GMT = 09:00Z.
            ("22:00-09:00", "Europe/London", "2026-10-24T22:30:00Z", nil, "2026-10-25T09:00:00Z", .deferredToWindowEnd),
            // A window ending inside the spring gap (01:00-01:30 does not exist): end moves forward.
            ("00:00-01:30", "Europe/London", "2026-03-29T00:45:00Z", nil, "2026-03-29T01:30:00Z", .deferredToWindowEnd),
        ])
    func schedule(
        quiet: String, zone: String, due: String, notAfter: String?, wake: String, reason: SendWindowDecision.Reason
    ) {
        let decision = Self.window(quiet, zone).schedule(Self.t(due), notAfter: notAfter.map(Self.t))
        #expect(decision.wakeAt == Self.t(wake))
        #expect(decision.reason == reason)
        #expect(decision.isDeferred == (reason != .allowed))
    }

    @Test("quiet period and latest start")
    func periods() throws {
        let window = Self.window("20:00-09:00", "Europe/London")
        let period = try #require(window.quietPeriod(containing: Self.t("2026-07-09T01:00:00Z")))
        #expect(period.start == Self.t("2026-07-08T19:00:00Z"))
        #expect(period.end == Self.t("2026-07-09T08:00:00Z"))
        #expect(window.quietPeriod(containing: Self.t("2026-07-09T12:00:00Z")) == nil)
        #expect(window.latestQuietStart(atOrBefore: Self.t("2026-07-09T12:00:00Z")) == Self.t("2026-07-08T19:00:00Z"))
        #expect(Self.window("10:00-10:00", "UTC").latestQuietStart(atOrBefore: Self.t("2026-07-09T12:00:00Z")) == nil)
    }
}
