public import FlowEngine
public import FlowRuntime

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
    func itineraries(_ node: LocatedDocument?, tripIDs: Set<String>) throws(LocatedError)
        -> [DryRunFixtures.SavedItinerary] {
        var out: [DryRunFixtures.SavedItinerary] = []
        for (index, item) in try list(node, "itineraries").enumerated() {
            let what = "itineraries[\(index)]"
            let entry = try map(item, what, allowed: ["trip_id", "days", "at"])
            let tripNode = try required(entry, "trip_id", in: what, at: item)
            let trip = try string(tripNode, "\(what).trip_id")
            guard tripIDs.contains(trip) else {
                throw LocatedError("\(what).trip_id '\(trip)' is not the id of one of the fixtures' trips",
                                  at: tripNode.location)
            }
            let daysNode = try required(entry, "days", in: what, at: item)
            guard case .list = daysNode.content else {
                throw LocatedError("\(what).days must be a list of {date, items}, not \(daysNode.kindName)",
                                  at: daysNode.location)
            }
            let at = try entry["at"].map { node throws(LocatedError) in try instant(node, "\(what).at") }
            out.append(.init(tripID: trip, itinerary: ["days": daysNode.value], at: at))
        }
        return out
    }
}
