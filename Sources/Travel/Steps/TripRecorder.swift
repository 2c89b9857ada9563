public import FlowEngine
public import FlowRuntime

/// The `trip` recorder: records the `trip` object of an event payload (or a direct input) in the
/// `trips` table before any flow starts, when a trigger declares `records: trip`
/// (`flight-notifications` and `itinerary` on `trip.created`). The concierge finds travellers'
/// trips there (`trips.for_traveller`).
public struct TripRecorder<Store: TripStore>: EventRecorder {
    /// The name triggers use in `records:`.
    public static var name: String { "trip" }

    public let store: Store

    public init(store: Store) { self.store = store }

    /// Records the payload's `trip`; a payload without a `trip` object records nothing.
    /// - Throws: `RecordError` when the trip lacks a required field or has a malformed one; store errors.
    public func record(event: String, payload: Value, agency: String?, at now: Instant) async throws {
        do {
            try await record(payload, agency: agency, at: now)
        } catch let error as TripRecord.DocumentError {
            throw RecordError(error.message)
        }
    }

    /// Records the `trip` object of an event payload or flow input; nil (nothing recorded) when
    /// the document has no `trip` object.
    /// - Throws: `TripRecord.DocumentError` when the trip lacks a required field or has a malformed one,
    ///   or when its id is another agency's trip; store errors.
    @discardableResult
    public func record(_ document: Value, agency: String?, instanceID: String? = nil, at now: Instant) async throws
        -> TripRecord? {
        guard let trip = document["trip"], trip.objectValue != nil else { return nil }
        let record = try TripRecord(trip: trip, agency: agency, instanceID: instanceID, at: now)
        // A trip id of another agency is not taken over (its row would be rewritten for this one).
        if let existing = try await store.trip(id: record.id), let owner = existing.agencyID, owner != record.agencyID {
            throw TripRecord.DocumentError(message: "the trip id '\(record.id)' is already used by another agency")
        }
        try await store.upsertTrip(record)
        return record
    }
}
