import FakeProviders
import FlowEngine
import FlowRuntime
import Foundation
import PostgresNIO
import Steps
import Testing
import Travel

/// Across daemons on one PostgreSQL: an event delivered through daemon A's store wakes daemon B's
/// idle worker at once through `flow_wake`, instead of at B's next poll (30 s here).
@Suite("Postgres wake channel")
struct PostgresWakeTests {
    @Test("a delivery by another daemon wakes this daemon's idle worker at once",
          .enabled(if: TestPostgres.url != nil, "FLOW_TEST_POSTGRES_URL is not set"))
    func deliveryWakesAnotherDaemon() async throws {
        try await Self.twoDaemons { a, b, registry in
            let started = try await EventDispatcher(store: a, registry: registry)
                .dispatch(event: "watch.started", payload: ["id": "P1"], agency: nil,
                          at: InstanceWorker<PostgresFlowStore>.wallClock())
            let id = try #require(started.first?.instance.id)
            let wakeup = WorkerWakeup()
            let worker = InstanceWorker(
                store: b, registry: registry, steps: StepRegistry.providers(), transport: FixtureTransport(queue: []),
                credentials: ProviderCredentials(),
                configuration: .init(owner: "b", lease: .seconds(60), pollInterval: .seconds(30), wakeup: wakeup))
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await PostgresWakeListener(store: b, wakeup: wakeup).run() }
                group.addTask { try await worker.run() }
                // B's worker runs the new instance into its wait, then sleeps its 30 s poll.
                let waiting = try await Self.eventually(seconds: 20) {
                    try await b.instance(id: id)?.status == .waiting
                }
                #expect(waiting)
                try await Task.sleep(for: .milliseconds(500))
                let sent = ContinuousClock.now
                _ = try await EventDelivery(store: a, registry: registry).deliver(
                    event: "thing.updated", key: "P1", payload: ["n": 1], agency: nil, dedupKey: nil,
                    at: InstanceWorker<PostgresFlowStore>.wallClock())
                let done = try await Self.eventually(seconds: 10) {
                    try await b.instance(id: id)?.status == .succeeded
                }
                #expect(done)
                #expect(ContinuousClock.now - sent < .seconds(5), "woken, not found by the 30 s poll")
                group.cancelAll()
            }
        }
    }

    @Test("a commit by another daemon wakes this daemon's live streams of that instance at once",
          .enabled(if: TestPostgres.url != nil, "FLOW_TEST_POSTGRES_URL is not set"))
    func commitWakesAnotherDaemonsStreams() async throws {
        try await Self.twoDaemons { a, b, registry in
            let clock = { InstanceWorker<PostgresFlowStore>.wallClock() }
            let started = try await EventDispatcher(store: a, registry: registry)
                .dispatch(event: "watch.started", payload: ["id": "T1"], agency: nil, at: clock())
            let id = try #require(started.first?.instance.id)
            // A's worker (no listener of its own): runs the instance into its wait, later resumes it.
            let worker = InstanceWorker(
                store: a, registry: registry, steps: StepRegistry.providers(), transport: FixtureTransport(queue: []),
                credentials: ProviderCredentials(), configuration: .init(owner: "a", lease: .seconds(60)))
            _ = try await worker.runOnce()
            let streams = TimelineNotifier()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await PostgresWakeListener(store: b, wakeup: WorkerWakeup(), timeline: streams).run()
                }
                try await Task.sleep(for: .milliseconds(500))
                let seen = streams.version(of: id)
                _ = try await EventDelivery(store: a, registry: registry).deliver(
                    event: "thing.updated", key: "T1", payload: ["n": 1], agency: nil, dedupKey: nil, at: clock())
                _ = try await worker.runOnce()
                // B's stream is told by the commit's notification, not by its own poll (5 s).
                let told = try await Self.eventually(seconds: 3) { streams.version(of: id) > seen }
                #expect(told, "no flow_timeline notification reached daemon B")
                #expect(try await b.instance(id: id)?.status == .succeeded)
                group.cancelAll()
            }
        }
    }

    /// Two daemons' stores (A migrated) on a fresh database, and the `watch` flow's registry.
    static func twoDaemons(
        _ body: @Sendable (PostgresFlowStore, PostgresFlowStore, DefinitionRegistry) async throws -> Void
    ) async throws {
        let url = try await TestPostgres.freshDatabase()
        guard case .postgres(let settings) = try StoreConfiguration.from(url: url) else { return }
        var client = settings.clientConfiguration(maximumConnections: 4)
        client.tls = .disable
        let configuration = client
        let directory = try EventDeliveryTests.workflows()
        defer { try? FileManager.default.removeItem(at: directory) }
        let registry = DefinitionRegistry(path: directory.path)
        try await PostgresFlowStore.withStore(
            configuration, adding: TravelSchema.schema, connectionTimeout: TestPostgres.connectionWait
        ) { a in
            try await PostgresFlowStore.withStore(
                configuration, migrate: false, connectionTimeout: TestPostgres.connectionWait
            ) { b in
                try await body(a, b, registry)
            }
        }
    }

    static func eventually(seconds: Int, _ check: () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            if try await check() { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return try await check()
    }
}
