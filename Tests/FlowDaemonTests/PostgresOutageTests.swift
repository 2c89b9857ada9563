import FlowRuntime
import Travel
import Foundation
import PostgresNIO
import Steps
import Testing

/// A long PostgreSQL outage, on a cluster of the test's own (`OwnPostgresCluster`): while the
/// server is down no caller waits forever for a pooled connection — each gets
/// `StoreError(.unavailable)` — and the daemon's `/health` says so; once it is back everything
/// carries on.
extension DurabilityTests {
    @Test("while Postgres is down every store call ends in .unavailable, none waits forever; calls work once it is back",
          .timeLimit(.minutes(2)))
    func storeCallsDuringOutage() async throws {
        guard OwnPostgresCluster.available else {
            print("skipped: FLOW_TEST_POSTGRES_URL is not set (scripts/test.sh sets it)")
            return
        }
        let cluster = try await OwnPostgresCluster.make()
        defer { cluster.destroy() }
        guard case .postgres(let settings) = try StoreConfiguration.from(url: cluster.url) else {
            Issue.record("not a postgres URL: \(cluster.url)")
            return
        }
        var configuration = settings.clientConfiguration(maximumConnections: 4)
        configuration.tls = .disable
        let store = PostgresFlowStore(configuration: configuration, connectionTimeout: .seconds(2))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await store.run() }
            defer { group.cancelAll() }
            // Set-up, not under test: on a loaded machine the first connection can take longer
            // than the store's 2 s wait, so the set-up calls are retried.
            try await Self.retried { try await store.migrate() }
            #expect(try await Self.retried { try await store.instance(id: "none") } == nil)

            try await cluster.stop()
            // Idle pooled connections were closed by the server; new ones are refused.
            for attempt in 1...3 {
                let error = await #expect(throws: StoreError.self, "call \(attempt) during the outage") {
                    _ = try await store.instance(id: "none")
                }
                #expect(error?.code == .unavailable, "\(String(describing: error))")
            }
            let probe = await #expect(throws: StoreError.self) { try await store.probe() }
            #expect(probe?.code == .unavailable)

            try await cluster.start()
            var back = false
            for _ in 0..<60 where !back {
                back = (try? await store.probe()) != nil
                if !back { try await Task.sleep(for: .milliseconds(500)) }
            }
            #expect(back, "the store did not answer within 30s of Postgres starting again")
            #expect(try await store.instance(id: "none") == nil)
        }
    }

    @Test("a daemon rides out a Postgres outage longer than its connection wait: /health answers 503 while it lasts, every instance finishes exactly once",
          .timeLimit(.minutes(4)))
    func daemonDuringOutage() async throws {
        guard OwnPostgresCluster.available else {
            print("skipped: FLOW_TEST_POSTGRES_URL is not set (scripts/test.sh sets it)")
            return
        }
        let cluster = try await OwnPostgresCluster.make()
        defer { cluster.destroy() }
        let harness = try await DurabilityHarness.make(scale: .fromEnvironment(instances: 40), database: cluster.url)
        defer { Task { await harness.cleanUp() } }
        try await harness.createInstances()
        let daemon = try harness.daemon("outage-daemon")
        try await daemon.start()
        #expect(try await Self.health(of: daemon)?.status == 200)
        try await Task.sleep(for: .seconds(1))

        try await cluster.stop()
        var unavailable: HTTPResponseSpec?
        for _ in 0..<60 where unavailable == nil {
            if let response = try await Self.health(of: daemon), response.status == 503 {
                unavailable = response
            } else {
                try await Task.sleep(for: .milliseconds(500))
            }
        }
        let body = unavailable?.bodyText ?? ""
        #expect(unavailable != nil, "/health never answered 503 while Postgres was down\n\(daemon.logTail())")
        #expect(body.contains(#""store_status":"unavailable""#), "\(body)")
        // Longer than the store's 10 s connection wait: workers and scheduler give up and retry.
        try await Task.sleep(for: .seconds(12))
        #expect(daemon.isRunning, "the daemon exited during the outage\n\(daemon.logTail())")
        #expect(try await Self.health(of: daemon)?.status == 503)

        try await cluster.start()
        var healthy = false
        for _ in 0..<60 where !healthy {
            healthy = try await Self.health(of: daemon)?.status == 200
            if !healthy { try await Task.sleep(for: .milliseconds(500)) }
        }
        #expect(healthy, "/health did not recover after Postgres started again\n\(daemon.logTail())")
        let counts = try await harness.waitUntilFinished(timeout: .seconds(90))
        let survived = daemon.isRunning
        let graceful = await daemon.stop()
        #expect(survived, "the daemon exited: \(daemon.logTail())")
        #expect(graceful, "SIGTERM did not stop the daemon within 10s")
        harness.expectAllSucceededExactlyOnce(counts, daemons: [daemon])
    }

    /// `body`'s answer, retried every 500 ms for up to 60 s while it throws.
    static func retried<Result>(_ body: () async throws -> Result) async throws -> Result {
        let deadline = ContinuousClock.now + .seconds(60)
        while true {
            do {
                return try await body()
            } catch where ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(500))
            }
        }
    }

    /// `GET /health`; nil when the daemon does not answer within 30 s (not a latency check).
    static func health(of daemon: DaemonProcess) async throws -> HTTPResponseSpec? {
        let request = HTTPRequestSpec(method: .get, url: "http://127.0.0.1:\(daemon.port)/health")
        return try? await AsyncHTTPClientTransport().send(request, timeout: .seconds(30))
    }
}
