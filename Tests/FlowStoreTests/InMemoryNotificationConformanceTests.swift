import FlowRuntime
import FlowStoreConformance
import Testing

/// The in-memory store against the notification-log checks of the conformance suite (SQLite and
/// PostgreSQL run the whole suite in `StoreConformanceTests`), so all three agree on status
/// precedence and on what caps count.
@Suite struct InMemoryNotificationConformanceTests {
    static let memory = StoreHarness(name: "in-memory") { body in try await body(InMemoryFlowStore()) }

    @Test(arguments: FlowStoreConformance.checks.filter {
        ["delivery statuses keep their precedence", "caps count what may reach the traveller"].contains($0.name)
    })
    func inMemory(_ check: FlowStoreConformance.Check) async throws {
        try await check.run(Self.memory)
    }
}
