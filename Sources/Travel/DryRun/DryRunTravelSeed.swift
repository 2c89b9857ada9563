public import FlowEngine
public import FlowRuntime

/// What a dry-run's travel store holds before the instance starts.
enum DryRunTravelSeed {
    /// The fixtures' trips and conversation turns; the input's `trip` recorded as the daemon does for
    /// `trip.created` and `flowctl start` (unless the fixtures list a trip with its id, or it is not a
    /// complete trip document); the users' preferences (in the dry-run's agency); then the fixtures'
    /// itinerary versions in order.
    static func seed(_ store: some TravelStore, input: Value, agency: String?, fixtures: DryRunFixtures,
                     start: Instant) async throws {
        for trip in fixtures.trips { try await store.upsertTrip(trip) }
        for turn in fixtures.conversations {
            let agency = try await store.trip(id: turn.tripID)?.agencyID
            try await store.appendConversation(ConversationTurn(
                tripID: turn.tripID, agencyID: agency, sender: turn.sender, message: turn.message, intent: turn.intent,
                providerID: turn.providerID, at: turn.at ?? start))
        }
        let listed = Set(fixtures.trips.map(\.id))
        if let id = input["trip"]?["id"]?.stringValue, !listed.contains(id) {
            do {
                try await TripRecorder(store: store).record(input, agency: agency, at: start)
            } catch is TripRecord.DocumentError {
                // Not a complete trip: nothing recorded (steps over `trips` then see no such trip).
            }
        }
        for (user, document) in fixtures.travel.preferences {
            try await store.savePreferences(
                StoredPreferences(agencyID: agency, userID: user, document: document, updatedAt: start, updatedBy: "fixtures"))
        }
        for saved in fixtures.itineraries {
            let agencyID = try await store.trip(id: saved.tripID)?.agencyID
            _ = try await store.saveItinerary(ItineraryDraft(
                tripID: saved.tripID, agencyID: agencyID, instanceID: nil, itinerary: saved.itinerary,
                at: saved.at ?? start))
        }
    }
}
