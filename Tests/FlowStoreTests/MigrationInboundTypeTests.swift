import FlowEngine
@testable import FlowRuntime
import Foundation
import SQLiteNIO
import Testing
import Travel

/// Migration 5 on a SQLite database that is at version 4 with rows in the notification log: the
/// rows survive the table rebuild and inbound messages become accepted (PostgreSQL replaces the
/// constraint; the conformance suite runs the whole chain on both backends).
@Suite("Migration 5: the inbound notification type")
struct MigrationInboundTypeTests {
    @Test("a version-4 SQLite log keeps its rows and accepts whatsapp.inbound after migrate")
    func sqliteRebuildKeepsRows() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("flow-m5-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let store = try await SQLiteFlowStore.open(.file(path: path), migrate: false)
        let dialect = SchemaDialect.sqlite
        _ = try await store.connection.query(Migrations.bookkeeping(dialect))
        for migration in Migrations.all(dialect, adding: TravelSchema.schema) where migration.version <= 4 {
            for statement in migration.statements { _ = try await store.connection.query(statement) }
            _ = try await store.connection.query(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (\(migration.version), '\(migration.name)', 0)")
        }
        let now = Instant(iso8601: "2026-07-08T10:00:00Z")!
        func claim(_ type: String, key: String) -> NotificationClaim {
            NotificationClaim(tripID: "T1", agencyID: "acme", type: type, key: key, instanceID: "i1",
                              to: "+5491155550000", template: "t", variables: ["1": "Ana"], at: now)
        }
        #expect(try await store.claimNotification(claim("REMINDER_24H", key: "k1")))
        // As the version-4 code wrote it (today's `updateNotification` also reads migration 6's table).
        _ = try await store.connection.query(
            "UPDATE notifications_log SET status = 'sent', provider_id = 'SM1' WHERE trip_id = 'T1' AND key = 'k1'")
        await #expect(throws: (any Error).self) { _ = try await store.claimNotification(claim("whatsapp.inbound", key: "SMa")) }

        try await store.migrate(adding: TravelSchema.schema)
        #expect(try await store.appliedMigrations() == Migrations.all(dialect, adding: TravelSchema.schema).map(\.version))
        let kept = try await store.notification(tripID: "T1", type: "REMINDER_24H", key: "k1")
        #expect(kept?.status == "sent")
        #expect(kept?.providerID == "SM1")
        #expect(try await store.claimNotification(claim("whatsapp.inbound", key: "SMa")))
        #expect(try await !store.claimNotification(claim("REMINDER_24H", key: "k1")))
        // Migration 7 opened the list: a type nobody used before is accepted, an empty one is not.
        #expect(try await store.claimNotification(claim("TERMINAL_CHANGE", key: "x")))
        await #expect(throws: (any Error).self) { _ = try await store.claimNotification(claim("", key: "y")) }
        try await store.close()
    }
}
