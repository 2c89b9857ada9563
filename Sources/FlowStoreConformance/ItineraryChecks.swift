import FlowEngine
import FlowRuntime
import Travel
import Testing

/// Checks of `itineraries`: versions increase per trip, the latest is the highest, an instance
/// saves at most one version, concurrent saves never share a version.
enum ItineraryChecks {
    typealias F = StoreFixtures

    static func document(_ title: String) -> Value {
        ["days": [["date": "2026-07-09", "items": [[
            "title": .string(title), "type": "attraction", "address": "Calle Ñandú 1; DROP TABLE itineraries",
            "city": "Madrid", "start_time": "10:00", "end_time": "12:30", "source": "agency",
        ]]]]]
    }

    static func draft(_ trip: String, instance: String?, title: String, at: Instant = F.t0) -> ItineraryDraft {
        ItineraryDraft(tripID: trip, agencyID: "agency-1", instanceID: instance, itinerary: document(title),
                       rawPrompt: "prompt '; --", rawResponse: "{\"days\": []}", at: at)
    }

    static func versions(_ harness: TravelStoreHarness) async throws {
        try await harness.withStore { store in
            let trip = TravelChecks.trip(F.uniqueID("trip"), whatsapp: "+5491100000002", departure: F.t0 + .days(9))
            let other = TravelChecks.trip(F.uniqueID("trip"), whatsapp: "+5491100000003", departure: F.t0 + .days(9))
            for record in [trip, other] { try await store.upsertTrip(record) }
            #expect(try await store.latestItinerary(tripID: trip.id) == nil)

            let first = try await store.saveItinerary(draft(trip.id, instance: "inst-a", title: "Museo del Prado"))
            #expect(first.version == 1 && first.status == "draft" && first.id == "\(trip.id)/v1")
            #expect(first.itinerary == document("Museo del Prado") && first.rawPrompt == "prompt '; --")
            #expect(try await store.latestItinerary(tripID: trip.id) == first)

            let second = try await store.saveItinerary(
                draft(trip.id, instance: "inst-b", title: "Retiro", at: F.t0 + TimeSpan(milliseconds: 1_007)))
            #expect(second.version == 2)
            #expect(try await store.latestItinerary(tripID: trip.id) == second)

            // The same instance again (a call re-issued after a crash): its version, nothing new.
            let again = try await store.saveItinerary(draft(trip.id, instance: "inst-a", title: "otro"))
            #expect(again == first)
            #expect(try await store.latestItinerary(tripID: trip.id) == second)

            // Without an instance every save is a new version; versions are per trip.
            let third = try await store.saveItinerary(draft(trip.id, instance: nil, title: "Sol"))
            let fourth = try await store.saveItinerary(draft(trip.id, instance: nil, title: "Sol"))
            #expect([third.version, fourth.version] == [3, 4])
            #expect(try await store.saveItinerary(draft(other.id, instance: "inst-a", title: "x")).version == 1)

            let missing = await #expect(throws: StoreError.self) {
                try await store.saveItinerary(draft("missing-trip", instance: nil, title: "x"))
            }
            #expect(missing?.code == .notFound)
            #expect(try await store.latestItinerary(tripID: "missing-trip") == nil)
        }
    }

    static func concurrentVersions(_ harness: TravelStoreHarness) async throws {
        try await harness.withStore { store in
            let trip = TravelChecks.trip(F.uniqueID("trip"), whatsapp: "+5491100000004", departure: F.t0 + .days(9))
            try await store.upsertTrip(trip)
            let saved = try await withThrowingTaskGroup(of: Int.self) { group in
                for i in 0..<6 {
                    group.addTask {
                        try await store.saveItinerary(draft(trip.id, instance: "inst-\(i)", title: "t\(i)")).version
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(saved.sorted() == Array(1...6))
            #expect(try await store.latestItinerary(tripID: trip.id)?.version == 6)
        }
    }
}
