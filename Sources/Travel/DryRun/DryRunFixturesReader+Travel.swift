public import FlowEngine
public import FlowRuntime

/// The travel sections of a fixtures document: `trips` (rows of `trips`, as a trip input is
/// written) and `conversations` (earlier turns), which seed the dry-run's store.
extension DryRunFixturesReader {
    func trips(_ node: LocatedDocument?) throws(LocatedError) -> [TripRecord] {
        var out: [TripRecord] = []
        for (index, item) in try list(node, "trips").enumerated() {
            guard case .map = item.content else {
                throw LocatedError("trips[\(index)] must be a map (a trip: id, client_name, whatsapp, …)",
                                  at: item.location)
            }
            do throws(TripRecord.DocumentError) {
                out.append(try TripRecord(trip: item.value, agency: nil, instanceID: nil,
                                          at: Instant(epochMilliseconds: 0)))
            } catch {
                throw LocatedError("trips[\(index)]: \(error.message)", at: item.location)
            }
        }
        return out
    }

    /// Turns of the fixtures' trips (`tripIDs`); another trip id is an error.
    func conversations(_ node: LocatedDocument?, tripIDs: Set<String>) throws(LocatedError) -> [TravelFixtures.Turn] {
        var out: [TravelFixtures.Turn] = []
        for (index, item) in try list(node, "conversations").enumerated() {
            let what = "conversations[\(index)]"
            let entry = try map(item, what, allowed: ["trip_id", "sender", "message", "intent", "provider_id", "at"])
            let tripNode = try required(entry, "trip_id", in: what, at: item)
            let trip = try string(tripNode, "\(what).trip_id")
            guard tripIDs.contains(trip) else {
                throw LocatedError("\(what).trip_id '\(trip)' is not the id of one of the fixtures' trips",
                                  at: tripNode.location)
            }
            let senderNode = try required(entry, "sender", in: what, at: item)
            guard let sender = senderNode.value.stringValue.flatMap(ConversationTurn.Sender.init(rawValue:)) else {
                throw LocatedError("\(what).sender must be user, bot or agent", at: senderNode.location)
            }
            let message = try string(try required(entry, "message", in: what, at: item), "\(what).message")
            let intent = try entry["intent"].map { node throws(LocatedError) in try string(node, "\(what).intent") }
            let provider = try entry["provider_id"].map { node throws(LocatedError) in
                try string(node, "\(what).provider_id")
            }
            let at = try entry["at"].map { node throws(LocatedError) in try instant(node, "\(what).at") }
            out.append(TravelFixtures.Turn(tripID: trip, sender: sender, message: message, intent: intent,
                                           providerID: provider, at: at))
        }
        return out
    }
}
