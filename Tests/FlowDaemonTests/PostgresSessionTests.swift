@testable import FlowRuntime
@testable import Travel
import Foundation
import PostgresNIO
import Synchronization
import Testing

/// The store's guard against statements that never return (`PostgresStatementWatch`).
@Suite("PostgreSQL session")
struct PostgresSessionTests {
    /// A one-connection client configuration for the test cluster, or nil when it is not set.
    static func configuration() throws -> PostgresClient.Configuration? {
        try TestPostgres.clientConfiguration(maximumConnections: 1)
    }

    @Test("A statement on a connection that has closed fails with .unavailable instead of waiting forever")
    func closedConnection() async throws {
        guard let configuration = try Self.configuration() else { return }
        let wait = TestPostgres.connectionWait
        try await PostgresFlowStore.withStore(configuration, migrate: false, connectionTimeout: wait) { store in
            try await store.client.withConnection { connection in
                let session = PostgresSession(connection: connection, timeout: nil, logger: store.logger)
                #expect(try await session.query("SELECT 1").first?.decode(Int.self) == 1)
                try await connection.close().get()
                let started = ContinuousClock.now
                // What the driver alone does here (PostgresNIO 1.33.2): the write is dropped, no answer.
                let rawFinished = Atomic(false)
                Task {
                    _ = try? await connection.query("SELECT 2", logger: store.logger)
                    rawFinished.store(true, ordering: .relaxed)
                }
                let error = await #expect(throws: StoreError.self) { try await session.query("SELECT 2") }
                #expect(error?.code == .unavailable)
                // The bound only tells "answered" from "waited forever"; it is not a latency check,
                // so it is far above what a loaded machine needs (the answer is immediate).
                #expect(ContinuousClock.now - started < .seconds(60))
                print("postgres-session: raw PostgresNIO query on the closed connection answered within "
                      + "\(ContinuousClock.now - started): \(rawFinished.load(ordering: .relaxed))")
            }
        }
    }

    @Test("A statement past its deadline fails with .unavailable and its connection is closed")
    func deadline() async throws {
        guard let configuration = try Self.configuration() else { return }
        let wait = TestPostgres.connectionWait
        try await PostgresFlowStore.withStore(configuration, migrate: false, connectionTimeout: wait) { store in
            try await store.client.withConnection { connection in
                let session = PostgresSession(connection: connection, timeout: .seconds(1), logger: store.logger)
                let started = ContinuousClock.now
                let error = await #expect(throws: StoreError.self) { try await session.query("SELECT pg_sleep(300)") }
                #expect(error?.code == .unavailable)
                // The statement would take 300 s: an answer well before that is the 1 s deadline
                // (the bound leaves room for a loaded machine; it is not a latency check).
                #expect(ContinuousClock.now - started < .seconds(120))
                // The watch closes the connection (asynchronously: a Terminate message, then the socket).
                let closing = ContinuousClock.now
                while !connection.isClosed && ContinuousClock.now - closing < .seconds(30) {
                    try await Task.sleep(for: .milliseconds(20))
                }
                #expect(connection.isClosed)
            }
            // The pool replaces the closed connection.
            #expect(try await store.rows("SELECT 3").first?.decode(Int.self) == 3)
        }
    }
}
