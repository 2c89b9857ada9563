import FlowEngine
import FlowRuntime
import Travel
import Testing

/// Checks of `trip_documents` (migration 14): idempotent inbound media, pages oldest first, the
/// trip's existence, documents without a trip, deletion, and a trip's deletion taking its documents.
enum DocumentChecks {
    typealias F = StoreFixtures

    static func document(
        trip: String?, sid: String? = nil, index: Int? = nil, id: String? = nil, at: Instant = F.t0,
        phone: String? = "+5491100000009"
    ) -> TripDocument {
        TripDocument(
            id: id ?? sid.map { TripDocument.id(messageSid: $0, index: index ?? 0) } ?? F.uniqueID("doc"),
            tripID: trip, agencyID: trip == nil ? nil : "agency-1", phone: phone, type: .passport,
            name: "Pasaporte d'Ana'; DROP TABLE trip_documents; --", url: "https://docs.example/p?x=1&y='",
            contentType: "application/pdf", source: sid == nil ? .api : .whatsapp, messageSid: sid, mediaIndex: index,
            receivedAt: at)
    }

    static func recordAndList(_ harness: TravelStoreHarness) async throws {
        try await harness.withStore { store in
            let trip = TravelChecks.trip(F.uniqueID("trip"), whatsapp: "+5491100000009", departure: F.t0 + .days(3))
            try await store.upsertTrip(trip)
            let sid = F.uniqueID("SM")
            let first = document(trip: trip.id, sid: sid, index: 0, at: F.t0 + .seconds(1))
            var second = document(trip: trip.id, sid: sid, index: 1, at: F.t0 + .seconds(1))
            second.type = .image
            second.contentType = nil
            let agency = document(trip: trip.id, at: F.t0 + TimeSpan(milliseconds: 1))
            #expect(try await store.recordDocument(first))
            #expect(try await store.recordDocument(second))
            #expect(try await store.recordDocument(agency))
            // The same media again (a retried webhook), even under another id, records nothing.
            #expect(try await store.recordDocument(first) == false)
            var renamed = first
            renamed.id = F.uniqueID("doc")
            #expect(try await store.recordDocument(renamed) == false)
            #expect(try await store.document(id: renamed.id) == nil)
            #expect(try await store.document(id: second.id) == second)

            let all = try await store.documents(tripID: trip.id, after: nil, limit: 10)
            #expect(all == [agency, first, second].sorted { ($0.receivedAt, $0.id) < ($1.receivedAt, $1.id) })
            #expect(all.first == agency)
            let page = try await store.documents(tripID: trip.id, after: nil, limit: 2)
            let cursor = DocumentCursor(receivedAt: page[1].receivedAt, id: page[1].id)
            #expect(try await store.documents(tripID: trip.id, after: cursor, limit: 2) == [all[2]])
            #expect(try await store.documents(tripID: "missing-trip", after: nil, limit: 10).isEmpty)
        }
    }

    static func tripsAndDeletion(_ harness: TravelStoreHarness) async throws {
        try await harness.withStore { store in
            // A trip that does not exist is refused; without a trip the document is filed by phone.
            let refused = await #expect(throws: StoreError.self) {
                try await store.recordDocument(document(trip: "missing-trip", sid: F.uniqueID("SM"), index: 0))
            }
            #expect(refused?.code == .notFound)
            let loose = document(trip: nil, sid: F.uniqueID("SM"), index: 0)
            #expect(try await store.recordDocument(loose))
            #expect(try await store.document(id: loose.id) == loose)

            let trip = TravelChecks.trip(F.uniqueID("trip"), whatsapp: "+5491100000010", departure: F.t0 + .days(3))
            try await store.upsertTrip(trip)
            let kept = document(trip: trip.id)
            let removed = document(trip: trip.id, at: F.t0 + .seconds(2))
            for each in [kept, removed] { #expect(try await store.recordDocument(each)) }
            #expect(try await store.deleteDocument(id: removed.id))
            #expect(try await store.deleteDocument(id: removed.id) == false)
            #expect(try await store.documents(tripID: trip.id, after: nil, limit: 10) == [kept])
        }
    }
}
