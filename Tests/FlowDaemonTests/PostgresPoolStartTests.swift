import FlowRuntime
import Travel
import Foundation
import PostgresNIO
import Testing

/// No connection is requested from the pool before the store's `run()` starts it (PostgresNIO
/// warned about each such lease in every `withStore`): a call made earlier waits for `run()`, and
/// one made on a store that never runs ends in `.unavailable` after the connection wait.
@Suite("Postgres pool start")
struct PostgresPoolStartTests {
    static func configuration() throws -> PostgresClient.Configuration? {
        try TestPostgres.clientConfiguration(maximumConnections: 2)
    }

    @Test("a call made before run() waits for it, then succeeds")
    func callBeforeRun() async throws {
        guard let configuration = try Self.configuration() else { return }
        let store = PostgresFlowStore(configuration: configuration, connectionTimeout: .seconds(30))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await store.probe(timeout: .seconds(30)) }
            // The probe is waiting for the pool; now it starts.
            group.addTask { try await store.run() }
            try await group.next()
            group.cancelAll()
        }
    }

    @Test("on a store whose pool never runs, a call ends in .unavailable after the connection wait")
    func neverRun() async throws {
        guard let configuration = try Self.configuration() else { return }
        let store = PostgresFlowStore(configuration: configuration, connectionTimeout: .seconds(1))
        let error = await #expect(throws: StoreError.self) { _ = try await store.instance(id: "none") }
        #expect(error?.code == .unavailable)
        #expect(error?.message.contains("no connection within") == true, "\(String(describing: error))")
    }
}
