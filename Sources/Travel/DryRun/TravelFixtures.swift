public import FlowEngine
public import FlowRuntime

/// What the travel product reads from a fixtures document (`trips`, `conversations`,
/// `itineraries`): the rows its dry-run store starts with.
public struct TravelFixtures: ProductFixtures {
    /// An earlier conversation turn (`at` defaults to the dry-run's start; order is kept).
    public struct Turn: Sendable, Hashable {
        public var tripID: String
        public var sender: ConversationTurn.Sender
        public var message: String
        public var intent: String?
        public var providerID: String?
        public var at: Instant?
        public init(tripID: String, sender: ConversationTurn.Sender, message: String, intent: String? = nil,
                    providerID: String? = nil, at: Instant? = nil) {
            self.tripID = tripID
            self.sender = sender
            self.message = message
            self.intent = intent
            self.providerID = providerID
            self.at = at
        }
    }


    /// Rows of `trips` the dry-run's store starts with (what `trips.for_traveller` finds).
    public var trips: [TripRecord]
    /// Conversation turns the dry-run's store starts with (what `conversation.recent` reads).
    public var conversations: [Turn]
    /// Itinerary versions the dry-run's store starts with (what `itinerary.latest` reads).
    public var itineraries: [DryRunFixtures.SavedItinerary]
    /// Users' preferences documents the dry-run's store starts with, by user id, in the dry-run's
    /// agency (what `planning.profile` reads), each checked as `PUT /v1/preferences` checks it.
    public var preferences: [String: Value]

    public init(
        trips: [TripRecord] = [], conversations: [Turn] = [], itineraries: [DryRunFixtures.SavedItinerary] = [],
        preferences: [String: Value] = [:]
    ) {
        self.trips = trips
        self.conversations = conversations
        self.itineraries = itineraries
        self.preferences = preferences
    }

    /// The sections' names.
    public static let sections = ["trips", "conversations", "itineraries", "preferences"]

    /// Reads the sections; the first problem throws with its place.
    public init(_ sections: [String: LocatedDocument]) throws(LocatedError) {
        let reader = DryRunFixturesReader()
        trips = try reader.trips(sections["trips"])
        conversations = try reader.conversations(sections["conversations"], tripIDs: Set(trips.map(\.id)))
        itineraries = try reader.itineraries(sections["itineraries"], tripIDs: Set(trips.map(\.id)))
        preferences = try Self.preferences(sections["preferences"])
    }

    /// `preferences: {<user_id>: <document>}`; a document `UserPreferences` refuses names its place.
    static func preferences(_ node: LocatedDocument?) throws(LocatedError) -> [String: Value] {
        guard let node else { return [:] }
        guard case .map(let users) = node.content else {
            throw LocatedError("preferences: must be a mapping of user ids to preferences documents", at: node.location)
        }
        var documents: [String: Value] = [:]
        for user in users {
            do {
                documents[user.key] = try UserPreferences.checked(user.value.value)
            } catch {
                throw LocatedError("preferences of '\(user.key)': \(error.message)", at: user.value.location ?? user.at)
            }
        }
        return documents
    }
}

extension DryRunFixtures {
    /// An earlier conversation turn of the travel product's fixtures.
    public typealias Turn = TravelFixtures.Turn

    /// Fixtures with the travel product's rows.
    public init(aeroapi: [Answer] = [], twilio: [Answer] = [], openai: [Answer] = [], approvals: [Approval] = [],
                events: [Event] = [], trips: [TripRecord], conversations: [Turn] = [],
                itineraries: [SavedItinerary] = []) {
        self.init(aeroapi: aeroapi, twilio: twilio, openai: openai, approvals: approvals, events: events,
                  product: TravelFixtures(trips: trips, conversations: conversations, itineraries: itineraries))
    }

    /// The travel product's rows (none when the fixtures have no travel sections).
    public var travel: TravelFixtures { product as? TravelFixtures ?? TravelFixtures() }
    public var trips: [TripRecord] { travel.trips }
    public var conversations: [Turn] { travel.conversations }
    public var itineraries: [SavedItinerary] { travel.itineraries }
}
