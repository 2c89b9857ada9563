import FlowEngine
import FlowRuntime
import Travel
import Testing

private let here = SourceLocation(file: "test.yaml", line: 1, column: 1)
private func name(_ text: String) -> Located<String> { Located(text, at: here) }
private func lit(_ value: Value) -> ValueTemplate { .literal(value, here) }
private func expr(_ text: String) -> ValueTemplate { .expression(ExpressionSource(text, at: here)) }

private func notify(_ state: String, type: String, key: String, next: String?) -> State {
    let arguments: [String: ValueTemplate] = [
        "trip_id": expr("input.trip.id"), "agency_id": lit("acme"), "type": lit(.string(type)), "key": lit(.string(key)),
        "to": expr("input.trip.whatsapp"), "template": lit(.string(type.lowercased())),
        "content_sid": lit(.string("HX" + String(repeating: "a", count: 32))),
        "variables": .object([.init(key: name("1"), value: expr("input.trip.client_name"))], here),
        "zone": lit("Europe/London"), "deferred_from": expr("wake.deferred_from"),
        "caps": lit(["per_trip_per_day": 2]),
    ]
    return State(name: name(state), kind: .step(StepState(
        step: name("notify.send"), arguments: arguments.sorted { $0.key < $1.key }.map { .init(name: name($0.key), value: $0.value) },
        save: name("sent"), idempotencyKey: lit(.string("trip-1/\(type)/\(key)")),
        retry: RetryPolicy(maxAttempts: lit(4), initial: lit("1m"), factor: lit(2), maxDelay: lit("10m"), jitter: nil,
                           budget: nil, on: [], location: here),
        catches: [], propagates: [], timeout: nil, next: next.map(name))), location: here)
}

/// wait (quiet hours, London) → confirmation → the same confirmation again → a third message over the cap.
private let demoFlow = Flow(
    name: name("demo"), version: Located(1, at: here), description: nil, triggers: [], input: [], settings: [],
    graph: StateGraph(start: name("wait"), states: [
        State(name: name("wait"), kind: .wait(WaitState(
            condition: .until(expr("input.trip.due")),
            window: SendWindowSpec(quiet: lit("20:00-09:00"), zone: lit("Europe/London"), notAfter: nil, location: here),
            next: name("confirm"))), location: here),
        notify("confirm", type: "RESERVATION_CONFIRMATION", key: "once", next: "again"),
        notify("again", type: "RESERVATION_CONFIRMATION", key: "once", next: "second"),
        notify("second", type: "DELAYED", key: "2026-07-08T12:00:00Z", next: "third"),
        notify("third", type: "GATE_CHANGE", key: "B7", next: "done"),
        State(name: name("done"), kind: .succeed(SucceedState(output: nil)), location: here),
    ]), location: here)

private let input: Value = ["trip": ["id": "trip-1", "whatsapp": "+447700900123", "client_name": "Ana",
                                     "due": "2026-07-07T20:30:00Z"]]

@Test func dryRunDefersRetriesDeduplicatesAndCaps() async throws {
    let fixtures = DryRunFixtures(twilio: [
        .init(from: .at("2026-07-08T08:00:00Z"), status: 429,
              body: ["code": 20429, "message": "Too Many Requests", "more_info": "", "status": 429]),
        .init(from: .at("2026-07-08T08:00:30Z"), status: 201, body: .null),
    ])
    let report = try await DryRun(flow: demoFlow, input: input, settings: [:], agency: "acme", fixtures: fixtures,
                                  start: .at("2026-07-06T10:00:00Z"), product: TravelProduct()).run()
    #expect(report.status == "succeeded")
    let messages = report.messages
    #expect(messages.count == 2)
    #expect(messages.first?["type"] == "RESERVATION_CONFIRMATION")
    #expect(messages.first?["at"] == .instant(.at("2026-07-08T08:01:00Z")))
    #expect(messages.first?["local_time"] == "2026-07-08T09:01:00+01:00")
    #expect(messages.first?["deferred_from"] == .instant(.at("2026-07-07T20:30:00Z")))
    #expect(messages.first?["variables"] == ["1": "Ana"])
    let kinds = report.history.map(\.kind)
    #expect(kinds.contains(.deferred))
    #expect(kinds.filter { $0 == .retryScheduled }.count == 1)
    #expect(kinds.filter { $0 == .duplicate }.count == 1)
    #expect(kinds.filter { $0 == .suppressed }.count == 1)
    #expect(report.alerts.count == 1)
    #expect(report.calls["twilio"] == 3)
    #expect(report.json["messages"] == .array(messages))
}

@Test func notificationClaimsAreUnique() async throws {
    let store = InMemoryTravelStore()
    #expect(try await store.claimNotification(NotificationClaim(
        tripID: "t", agencyID: nil, type: "DELAYED", key: "k", instanceID: nil, to: "+1", template: "x", variables: [:],
        at: .at("2026-07-06T10:00:00Z"))))
    #expect(try await !store.claimNotification(NotificationClaim(
        tripID: "t", agencyID: nil, type: "DELAYED", key: "k", instanceID: nil, to: "+1", template: "x", variables: [:],
        at: .at("2026-07-06T10:00:00Z"))))
}

extension Instant {
    static func at(_ text: String) -> Instant { Instant(iso8601: text)! }
}
