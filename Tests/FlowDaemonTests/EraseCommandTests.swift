import FlowEngine
import FlowRuntime
import Foundation
import Testing
import Travel

/// `flowctl erase` through the built binary, on a SQLite file.
@Suite("flowctl erase")
struct EraseCommandTests {
    @Test("erases a traveller's trip and conversation by phone, audits it without the number; refuses a bad number")
    func erase() async throws {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("flow-erase-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let phone = "+5491155557391"
        let store = try await SQLiteFlowStore.open(.file(path: path), adding: TravelSchema.schema)
        let now = InstanceWorker<SQLiteFlowStore>.wallClock()
        try await store.upsertTrip(TripRecord(
            id: "trip-erase", agencyID: "acme", clientName: "Ana Erase", whatsapp: phone, flightNumber: "AR1140",
            origin: "EZE", destination: "MAD", departureAt: now, updatedAt: now))
        try await store.appendConversation(ConversationTurn(
            tripID: "trip-erase", agencyID: "acme", sender: .user, message: "hola", intent: nil, providerID: nil, at: now))
        try await store.close()

        let erased = try await StartAgencyTests.flowctl(
            ["erase", "--phone", phone, "--agency", "acme", "--by", "dpo", "--format", "json", "--database", "sqlite://" + path])
        #expect(erased.status == 0, "\(erased.output)")
        let audit = try JSONDecoder().decode(Value.self, from: Data(erased.output.utf8))
        #expect(audit["counts"]?["trips"] == 1 && audit["counts"]?["conversations"] == 1)
        #expect(audit["erased_by"] == "dpo" && audit["agency"] == "acme")
        #expect(!erased.output.contains(phone))

        let reopened = try await SQLiteFlowStore.open(.file(path: path), migrate: false)
        #expect(try await reopened.trips(whatsapp: phone).isEmpty)
        #expect(try await reopened.erasures(agency: "acme", limit: 10).map(\.id) == [audit["id"]?.stringValue])
        try await reopened.close()

        let bad = try await StartAgencyTests.flowctl(["erase", "--phone", "5491155557391", "--database", "sqlite://" + path])
        #expect(bad.status == 64, "\(bad.output)")
    }
}
