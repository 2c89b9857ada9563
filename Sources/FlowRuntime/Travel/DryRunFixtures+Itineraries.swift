public import FlowEngine

extension DryRunFixtures {
    /// An itinerary version saved before the dry-run starts (versions are numbered in the order given).
    public struct SavedItinerary: Sendable, Hashable {
        public var tripID: String
        /// `{days: [...]}`.
        public var itinerary: Value
        /// Default: the dry-run's start.
        public var at: Instant?

        public init(tripID: String, itinerary: Value, at: Instant? = nil) {
            self.tripID = tripID
            self.itinerary = itinerary
            self.at = at
        }
    }
}

/// The `itineraries` section of a fixtures document: `[{trip_id, days, at?}]`, each a version of one
/// of the fixtures' trips.
extension DryRunFixturesReader {
    func itineraries(_ node: DryRunDocument?, tripIDs: Set<String>) throws(DryRunError)
        -> [DryRunFixtures.SavedItinerary] {
        var out: [DryRunFixtures.SavedItinerary] = []
        for (index, item) in try list(node, "itineraries").enumerated() {
            let what = "itineraries[\(index)]"
            let entry = try map(item, what, allowed: ["trip_id", "days", "at"])
            let tripNode = try required(entry, "trip_id", in: what, at: item)
            let trip = try string(tripNode, "\(what).trip_id")
            guard tripIDs.contains(trip) else {
                throw DryRunError("\(what).trip_id '\(trip)' is not the id of one of the fixtures' trips",
                                  at: tripNode.location)
            }
            let daysNode = try required(entry, "days", in: what, at: item)
            guard case .list = daysNode.content else {
                throw DryRunError("\(what).days must be a list of {date, items}, not \(daysNode.kindName)",
                                  at: daysNode.location)
            }
            let at = try entry["at"].map { node throws(DryRunError) in try instant(node, "\(what).at") }
            out.append(.init(tripID: trip, itinerary: ["days": daysNode.value], at: at))
        }
        return out
    }
}

/// What a dry-run's store holds before the instance starts, besides the fixtures' trips and turns.
enum DryRunTravelSeed {
    /// Records the input's `trip` as the daemon does for `trip.created` and `flowctl start` (unless the
    /// fixtures list a trip with its id, or it is not a complete trip document), then the fixtures'
    /// itinerary versions in order.
    static func seed(_ store: InMemoryFlowStore, input: Value, agency: String?, fixtures: DryRunFixtures,
                     start: Instant) async throws {
        let listed = Set(fixtures.trips.map(\.id))
        if let id = input["trip"]?["id"]?.stringValue, !listed.contains(id) {
            do {
                try await TripRecorder(store: store).record(input, agency: agency, at: start)
            } catch is TripRecord.DocumentError {
                // Not a complete trip: nothing recorded (steps over `trips` then see no such trip).
            }
        }
        for saved in fixtures.itineraries {
            let agencyID = try await store.trip(id: saved.tripID)?.agencyID
            _ = try await store.saveItinerary(ItineraryDraft(
                tripID: saved.tripID, agencyID: agencyID, instanceID: nil, itinerary: saved.itinerary,
                at: saved.at ?? start))
        }
    }
}
