import Testing
@testable import FlowEngine
@Test func isoRoundTrip() { #expect(Instant(iso8601: "2026-07-08T07:00:00-03:00")?.iso8601 == "2026-07-08T10:00:00Z") }
