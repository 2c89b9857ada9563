public import FlowEngine

/// The `trip` and `user` filters of `GET /instances`: instances whose input names that trip
/// (`input.trip.id` or `input.trip_id`) or that user (`input.user_id`, `input.trip.user_id`, or a
/// conversation's `input.from`), read from their stored state like `waiting_for`.
public struct SubjectFilter: Sendable, Hashable {
    public var trip: String?
    public var user: String?

    public init?(trip: String?, user: String?) {
        guard trip != nil || user != nil else { return nil }
        self.trip = trip
        self.user = user
    }

    public func matches(_ record: InstanceRecord) -> Bool {
        guard let state = try? InstanceStateCoding.decode(record.state), let input = state.bindings["input"] else {
            return false
        }
        if let trip {
            let named = [input["trip"]?["id"], input["trip_id"]].compactMap { $0?.stringValue }
            guard named.contains(trip) else { return false }
        }
        if let user {
            let named = [input["user_id"], input["trip"]?["user_id"], input["from"]].compactMap { $0?.stringValue }
            guard named.contains(user) else { return false }
        }
        return true
    }
}
