public import FlowEngine
import Foundation

/// Records a trip in the `trips` table when it enters the system: a `trip.created` event
/// (`POST /events/trip.created`, `EventDispatcher`) or `flowctl start` with a `trip` input.
/// The concierge finds travellers' trips there (`trips.for_traveller`).
public struct TripRecorder<Store: FlowStore>: Sendable {
    /// The event whose payload carries a trip.
    public static var event: String { "trip.created" }

    public let store: Store

    public init(store: Store) { self.store = store }

    /// Records the `trip` object of an event payload or flow input; nil (nothing recorded) when
    /// the document has no `trip` object.
    /// - Throws: `TripRecord.DocumentError` when the trip lacks a required field or has a malformed one; store errors.
    @discardableResult
    public func record(_ document: Value, agency: String?, instanceID: String? = nil, at now: Instant) async throws
        -> TripRecord? {
        guard let trip = document["trip"], trip.objectValue != nil else { return nil }
        let record = try TripRecord(trip: trip, agency: agency, instanceID: instanceID, at: now)
        try await store.upsertTrip(record)
        return record
    }
}
