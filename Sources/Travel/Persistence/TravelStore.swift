public import FlowEngine
public import FlowRuntime

/// Trips and their conversations: what `trips.for_traveller`, `conversation.*` and the `trip`
/// recorder read and write.
public protocol TripStore: Sendable {
    /// Inserts the trip or updates its booking fields by id (`created_at` kept). An agency the
    /// `agencies` table does not know yet gets a row named after its id.
    func upsertTrip(_ trip: TripRecord) async throws
    func trip(id: String) async throws -> TripRecord?
    /// Every trip booked for a WhatsApp number (E.164), by departure then id.
    func trips(whatsapp: String) async throws -> [TripRecord]
    /// Appends one turn; the trip must exist (`notFound` otherwise).
    func appendConversation(_ turn: ConversationTurn) async throws
    /// The last `limit` turns of a trip, oldest first.
    func conversation(tripID: String, limit: Int) async throws -> [ConversationTurn]
}

/// Itinerary versions per trip (`itinerary.save`, `itinerary.latest`).
public protocol ItineraryStore: Sendable {
    /// Stores a new version of a trip's itinerary: the trip's highest version plus one (1 for the
    /// first), status `draft`. An instance saves at most one version: when `draft.instanceID` already
    /// saved one for the trip, that record is returned and nothing is written (a re-issued call after
    /// a crash does not add a version). `notFound` when the trip does not exist.
    func saveItinerary(_ draft: ItineraryDraft) async throws -> ItineraryRecord
    /// The trip's highest version, nil when none was saved.
    func latestItinerary(tripID: String) async throws -> ItineraryRecord?
}

/// The notification log: semantic dedup before sending, caps, delivery statuses (`notify.send`
/// and the Twilio webhooks).
public protocol NotificationLog: Sendable {
    /// Claims (trip, type, key) under the unique constraint and applies `caps` (those of the claim's
    /// agency, `NotificationCaps.applying(to:)`) in one atomic operation: concurrent claims counting
    /// the same trip or agency never admit more than a cap. A new row is `claimed`, or `suppressed`
    /// with the cap's reason in `error`; an existing row is left as it is (`duplicate`).
    func claimNotification(_ claim: NotificationClaim, caps: NotificationCaps) async throws -> NotificationClaimOutcome
    /// Writes a row's status after a send. When `providerID` is set, statuses that arrived for that
    /// message id before it was recorded (`recordMessageStatus` answered `.pending`) are applied with
    /// `NotificationStatusOrder` and removed, atomically with the write.
    func updateNotification(tripID: String, type: String, key: String, status: String, providerID: String?, error: String?) async throws
    /// Applies a status to the row with this provider id (`NotificationStatusOrder`); unknown ids are ignored.
    func updateNotificationStatus(providerID: String, status: String, errorCode: String?) async throws
    /// Applies a delivery status to the row carrying `report.messageSid` like `updateNotificationStatus`;
    /// when no row carries it yet, keeps it (merged by precedence, duplicates idempotent) until
    /// `updateNotification` records that id, and deletes pending rows older than
    /// `MessageStatusReport.pendingRetention`.
    func recordMessageStatus(_ report: MessageStatusReport) async throws -> MessageStatusOutcome
    /// The status waiting for a message id no log row carries yet, or nil.
    func pendingMessageStatus(messageSid: String) async throws -> MessageStatusReport?
    /// Notifications sent (claimed and not failed) for caps: per trip or per agency since an instant.
    func countNotifications(tripID: String?, agencyID: String?, since: Instant) async throws -> Int
    /// The row claimed under (trip, type, key), or nil.
    func notification(tripID: String, type: String, key: String) async throws -> NotificationLogEntry?
}

extension NotificationLog {
    /// Claims (trip, type, key) without caps; false when already claimed.
    public func claimNotification(_ claim: NotificationClaim) async throws -> Bool {
        try await claimNotification(claim, caps: .none) == .claimed
    }
}

/// Trips' documents (`trip_documents`): inbound WhatsApp media (`documents.record`) and the
/// agencies' uploads (`/trips/{trip_id}/documents`), read by `documents.for_trip`.
public protocol DocumentStore: Sendable {
    /// Records a document; false (and nothing written) when its id, or its
    /// `(messageSid, mediaIndex)`, is already recorded. `notFound` when `tripID` names no trip.
    func recordDocument(_ document: TripDocument) async throws -> Bool
    /// One document by id, nil when there is none.
    func document(id: String) async throws -> TripDocument?
    /// A trip's documents oldest first by (received_at, id), those after `after`, at most `limit`.
    func documents(tripID: String, after: DocumentCursor?, limit: Int) async throws -> [TripDocument]
    /// Deletes one document; false when there was none.
    func deleteDocument(id: String) async throws -> Bool
}

/// Every store of the travel product, on one backend: `InMemoryTravelStore`, and the SQLite and
/// PostgreSQL flow stores (same connection, the travel tables of `TravelSchema`).
public protocol TravelStore: TripStore, ItineraryStore, NotificationLog, ProfileStore, TravellerDataStore, DocumentStore {}
