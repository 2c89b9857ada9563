public import FlowEngine
public import FlowRuntime

/// One row of `trips`: a booked trip as the agency created it (`trip.created`, `flowctl start`).
///
/// The booking fields have columns; anything else the trip carried (companions, documents, …)
/// is kept in `metadata`. Flight progress columns (estimates, gates) are not written here.
public struct TripRecord: Sendable, Hashable, Codable {
    public var id: String
    public var agencyID: String?
    public var clientName: String
    /// E.164, without the `whatsapp:` prefix.
    public var whatsapp: String
    public var flightNumber: String
    /// IATA codes.
    public var origin: String
    public var destination: String
    public var departureAt: Instant
    public var stay: String?
    public var notes: String?
    public var language: String
    /// The rest of the trip document (an object), or nil.
    public var metadata: Value?
    /// The instance that recorded it, when known.
    public var instanceID: String?
    public var updatedAt: Instant

    public init(
        id: String, agencyID: String?, clientName: String, whatsapp: String, flightNumber: String, origin: String,
        destination: String, departureAt: Instant, stay: String? = nil, notes: String? = nil, language: String = "es",
        metadata: Value? = nil, instanceID: String? = nil, updatedAt: Instant
    ) {
        self.id = id
        self.agencyID = agencyID
        self.clientName = clientName
        self.whatsapp = whatsapp
        self.flightNumber = flightNumber
        self.origin = origin
        self.destination = destination
        self.departureAt = departureAt
        self.stay = stay
        self.notes = notes
        self.language = language
        self.metadata = metadata
        self.instanceID = instanceID
        self.updatedAt = updatedAt
    }
}

/// One turn of a traveller's WhatsApp conversation (`conversations`).
public struct ConversationTurn: Sendable, Hashable, Codable {
    /// Who wrote it.
    public enum Sender: String, Sendable, Hashable, Codable, CaseIterable {
        case user, bot, agent
    }

    public var tripID: String
    public var agencyID: String?
    public var sender: Sender
    public var message: String
    /// The intent the concierge recognised (`flight_info`, `greeting`, …), if any.
    public var intent: String?
    /// Twilio's message SID (inbound `MessageSid` or the reply's `sid`), if any.
    public var providerID: String?
    public var at: Instant

    public init(
        tripID: String, agencyID: String?, sender: Sender, message: String, intent: String?, providerID: String?,
        at: Instant
    ) {
        self.tripID = tripID
        self.agencyID = agencyID
        self.sender = sender
        self.message = message
        self.intent = intent
        self.providerID = providerID
        self.at = at
    }
}

/// A claim in the notification log under the unique (trip, type, key).
public struct NotificationClaim: Sendable, Hashable, Codable {
    public var tripID: String
    public var agencyID: String?
    public var type: String
    public var key: String
    public var instanceID: String?
    public var to: String
    public var template: String
    public var variables: Value
    public var at: Instant

    public init(
        tripID: String, agencyID: String?, type: String, key: String, instanceID: String?, to: String,
        template: String, variables: Value, at: Instant
    ) {
        self.tripID = tripID
        self.agencyID = agencyID
        self.type = type
        self.key = key
        self.instanceID = instanceID
        self.to = to
        self.template = template
        self.variables = variables
        self.at = at
    }
}
