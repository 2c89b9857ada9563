public import FlowEngine
public import FlowRuntime

/// What retention and erasure ask of the travel tables.
///
/// Agency scope: an erasure for an agency covers its rows and the unattributed ones (no agency: trips
/// recorded without one, inbound messages, which arrive before any agency is known); nil: every
/// agency's.
public protocol TravellerDataStore: Sendable {
    /// Deletes up to `limit` conversation turns sent before `cutoff`; returns how many.
    func purgeConversations(before cutoff: Instant, limit: Int) async throws -> Int
    /// Deletes up to `limit` notification-log rows claimed before `cutoff`, except those of instances
    /// still running or waiting (their claims are `notify.send`'s deduplication); returns how many.
    func purgeNotificationLog(before cutoff: Instant, limit: Int) async throws -> Int
    /// Deletes up to `limit` trip documents whose trip departed before `cutoff` (a document filed
    /// without a trip: received before it); returns how many.
    func purgeDocuments(before cutoff: Instant, limit: Int) async throws -> Int
    /// The trips of a phone number (or the one trip), and the instances the travel tables tie to them.
    func travellerTrace(phone: String?, tripID: String?, agency: String?) async throws -> TravellerTrace
    /// Deletes the trips with their conversations, itineraries and documents (and the documents sent
    /// from `phone` without a trip), anonymises the notification-log rows
    /// of those trips or to (inbound: from) `phone` (recipient, variables and error blanked; the rows
    /// stay for caps and delivery statistics), and deletes the profile whose user id is `phone`.
    /// Rows by kind: `trips`, `conversations`, `itineraries`, `documents`, `notification_log`, `profiles`.
    func eraseTraveller(tripIDs: [String], phone: String?, agency: String?) async throws -> [String: Int]
}

/// A traveller's trips and the instances the travel tables tie to them (`TravellerDataStore.travellerTrace`).
public struct TravellerTrace: Sendable, Hashable {
    public var tripIDs: [String]
    /// The WhatsApp numbers of those trips.
    public var phones: Set<String>
    public var instanceIDs: Set<String>

    public init(tripIDs: [String] = [], phones: Set<String> = [], instanceIDs: Set<String> = []) {
        self.tripIDs = tripIDs
        self.phones = phones
        self.instanceIDs = instanceIDs
    }
}

/// The notification log's keys of inbound messages from `phone` (`StoreTwilioWebhookSink` logs them
/// under trip `inbound:<from>`), both as Twilio sends `From` and bare.
func inboundTripIDs(_ phone: String?) -> [String] {
    phone.map { ["inbound:" + $0, "inbound:whatsapp:" + $0] } ?? []
}

/// What an anonymised notification-log row keeps in place of the recipient.
let erasedRecipient = "erased"
