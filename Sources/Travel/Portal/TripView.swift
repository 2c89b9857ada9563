public import FlowEngine
public import FlowRuntime

/// The JSON the trips API answers for a trip: its document (the columns, and `departure_local`,
/// `companions` and the rest from `metadata`), `status` (`active` or `cancelled`), when it was
/// created, updated and cancelled, and the instances it started with their state.
public enum TripView {
    /// The trip as a document of `TripRequest`'s fields (`departure` in UTC).
    public static func document(_ trip: TripRecord) -> Value {
        var members = trip.metadata?.objectValue ?? [:]
        members["id"] = .string(trip.id)
        members["agency_id"] = trip.agencyID.map(Value.string) ?? .null
        members["client_name"] = .string(trip.clientName)
        members["whatsapp"] = .string(trip.whatsapp)
        members["flight_number"] = .string(trip.flightNumber)
        members["origin"] = .string(trip.origin)
        members["destination"] = .string(trip.destination)
        members["departure"] = .string(trip.departureAt.iso8601)
        members["language"] = .string(trip.language)
        if let stay = trip.stay { members["stay"] = .string(stay) }
        if let notes = trip.notes { members["notes"] = .string(notes) }
        return .object(members)
    }

    /// `document` with `status`, `created_at`, `updated_at`, `cancelled_at` and `instances` (each
    /// `InstanceView.summary`: id, flow, status, waiting_for, …).
    public static func json(_ entry: TripEntry, instances: [InstanceRecord]) -> Value {
        var members = document(entry.trip).objectValue ?? [:]
        members["status"] = .string(entry.cancelledAt == nil ? "active" : "cancelled")
        members["created_at"] = .instant(entry.createdAt)
        members["updated_at"] = .instant(entry.trip.updatedAt)
        members["cancelled_at"] = entry.cancelledAt.map(Value.instant) ?? .null
        members["instances"] = .array(instances.sorted { ($0.flow, $0.id) < ($1.flow, $1.id) }.map(InstanceView.summary))
        return .object(members)
    }
}
