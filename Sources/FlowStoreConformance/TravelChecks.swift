import FlowEngine
import FlowRuntime
import Travel
import Testing

/// Checks of the travel tables: trips (upsert, lookup by WhatsApp number) and conversations.
enum TravelChecks {
    typealias F = StoreFixtures

    static func trip(
        _ id: String, whatsapp: String, departure: Instant, agency: String? = "agency-1", flight: String = "AR1662"
    ) -> TripRecord {
        TripRecord(
            id: id, agencyID: agency, clientName: "Ana O'Brien; DROP TABLE trips", whatsapp: whatsapp,
            flightNumber: flight, origin: "EZE", destination: "MAD", departureAt: departure, stay: "Hotel Ñandú",
            notes: nil, language: "es", metadata: ["documents": [["name": "Voucher", "url": "https://x.example/v"]],
                                                   "return": .instant(departure + .days(7))],
            instanceID: nil, updatedAt: F.t0)
    }

    static func trips(_ harness: TravelStoreHarness) async throws {
        try await harness.withStore { store in
            let number = "+54911" + F.uniqueID("").filter(\.isNumber).prefix(6)
            let late = trip(F.uniqueID("trip"), whatsapp: number, departure: F.t0 + .days(30))
            let soon = trip(F.uniqueID("trip"), whatsapp: number, departure: F.t0 + .days(2), agency: F.uniqueID("ag"))
            let other = trip(F.uniqueID("trip"), whatsapp: number + "9", departure: F.t0 + .days(1), agency: nil)
            for record in [late, soon, other] { try await store.upsertTrip(record) }
            #expect(try await store.trip(id: soon.id) == soon)
            #expect(try await store.trip(id: "missing-trip") == nil)
            #expect(try await store.trips(whatsapp: number).map(\.id) == [soon.id, late.id])
            #expect(try await store.trips(whatsapp: other.whatsapp) == [other])

            // An upsert updates the booking fields; the row stays one.
            var moved = late
            moved.departureAt = F.t0 + .days(1) + TimeSpan(milliseconds: 7)
            moved.flightNumber = "AR1140"
            moved.metadata = nil
            moved.updatedAt = F.t0 + .seconds(5)
            try await store.upsertTrip(moved)
            #expect(try await store.trips(whatsapp: number) == [moved, soon])

            // The table's checks hold: an origin that is not an IATA code is refused.
            var bad = trip(F.uniqueID("trip"), whatsapp: number, departure: F.t0)
            bad.origin = "EZEIZA"
            let refused = await #expect(throws: StoreError.self) { try await store.upsertTrip(bad) }
            #expect(refused?.code == .conflict)
            #expect(try await store.trips(whatsapp: number).count == 2)
        }
    }

    static func conversations(_ harness: TravelStoreHarness) async throws {
        try await harness.withStore { store in
            let record = trip(F.uniqueID("trip"), whatsapp: "+5491100000001", departure: F.t0 + .days(3))
            try await store.upsertTrip(record)
            #expect(try await store.conversation(tripID: record.id, limit: 6).isEmpty)
            var turns: [ConversationTurn] = []
            for i in 0..<8 {
                let turn = ConversationTurn(
                    tripID: record.id, agencyID: "agency-1", sender: i % 2 == 0 ? .user : .bot,
                    message: "mensaje \(i) — ¿qué tal? '; --", intent: i % 2 == 0 ? "general" : nil,
                    providerID: i % 2 == 0 ? "SM\(i)" : nil, at: F.t0 + .seconds(Int64(i / 2)))
                try await store.appendConversation(turn)
                turns.append(turn)
            }
            // The last six, oldest first; equal instants keep the order they were appended in.
            #expect(try await store.conversation(tripID: record.id, limit: 6) == Array(turns.suffix(6)))
            #expect(try await store.conversation(tripID: record.id, limit: 100) == turns)
            #expect(try await store.conversation(tripID: record.id, limit: 0).isEmpty)
            #expect(try await store.conversation(tripID: "other-trip", limit: 6).isEmpty)
            let missing = await #expect(throws: StoreError.self) {
                try await store.appendConversation(ConversationTurn(
                    tripID: "missing-trip", agencyID: nil, sender: .user, message: "hola", intent: nil,
                    providerID: nil, at: F.t0))
            }
            #expect(missing?.code == .notFound)
        }
    }
}
