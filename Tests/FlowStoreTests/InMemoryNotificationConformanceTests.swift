import FlowRuntime
import FlowStoreConformance
import Testing

/// The in-memory store against the notification-log checks of the conformance suite (SQLite and
/// PostgreSQL run the whole suite in `StoreConformanceTests`), so all three agree on status
/// precedence, on what caps count and on statuses that arrive before the send's record.
@Suite struct InMemoryNotificationConformanceTests {
    static let memory = StoreHarness(name: "in-memory") { body in try await body(InMemoryFlowStore()) }

    @Test(arguments: FlowStoreConformance.checks.filter {
        [
            "delivery statuses keep their precedence", "caps count what may reach the traveller",
            "a status for an unknown message id waits for its send", "statuses before the send end as statuses after it",
            "pending statuses are kept for the retention only", "a status racing the send's record is never lost",
        ].contains($0.name)
    })
    func inMemory(_ check: FlowStoreConformance.Check) async throws {
        try await check.run(Self.memory)
    }
}
