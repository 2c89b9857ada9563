public import FlowEngine

/// Provider answers and human/external events for a dry-run (`domain/dry-run.md`).
public struct DryRunFixtures: Sendable {
    /// One provider answer in force from `from` until the next entry's `from`.
    public struct Answer: Sendable {
        public var from: Instant?
        /// HTTP status; 200 (201 for Twilio) when the entry gives `flights`/`content`.
        public var status: Int
        public var body: Value {
            didSet {
                text = body.jsonText
                bytes = Array(text.utf8)
            }
        }
        /// `body` as JSON text, encoded when the fixture is built or changed rather than on every
        /// answer: the same pages answer many polls and many dry-runs of one fixtures file.
        public private(set) var text: String
        /// `text` as UTF-8, the response body served.
        public private(set) var bytes: [UInt8]

        public init(from: Instant?, status: Int, body: Value) {
            self.from = from
            self.status = status
            self.body = body
            self.text = body.jsonText
            self.bytes = Array(text.utf8)
        }
    }

    /// A human decision arriving at a virtual instant.
    public struct Approval: Sendable {
        public var at: Instant
        public var decision: ApprovalDecision
        public init(at: Instant, decision: ApprovalDecision) {
            self.at = at
            self.decision = decision
        }
    }

    /// An external event arriving at a virtual instant.
    public struct Event: Sendable {
        public var at: Instant
        public var name: String
        public var key: String?
        public var payload: Value
        public init(at: Instant, name: String, key: String?, payload: Value) {
            self.at = at
            self.name = name
            self.key = key
            self.payload = payload
        }
    }

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

    public var aeroapi: [Answer]
    public var twilio: [Answer]
    public var openai: [Answer]
    public var approvals: [Approval]
    public var events: [Event]
    /// Rows of `trips` the dry-run's store starts with (what `trips.for_traveller` finds).
    public var trips: [TripRecord]
    /// Conversation turns the dry-run's store starts with (what `conversation.recent` reads).
    public var conversations: [Turn]
    /// Itinerary versions the dry-run's store starts with (what `itinerary.latest` reads).
    public var itineraries: [SavedItinerary] = []

    public init(aeroapi: [Answer] = [], twilio: [Answer] = [], openai: [Answer] = [], approvals: [Approval] = [],
                events: [Event] = [], trips: [TripRecord] = [], conversations: [Turn] = []) {
        self.aeroapi = aeroapi
        self.twilio = twilio
        self.openai = openai
        self.approvals = approvals
        self.events = events
        self.trips = trips
        self.conversations = conversations
    }

    /// Fixtures with earlier itinerary versions too.
    public init(aeroapi: [Answer] = [], twilio: [Answer] = [], openai: [Answer] = [], approvals: [Approval] = [],
                events: [Event] = [], trips: [TripRecord] = [], conversations: [Turn] = [],
                itineraries: [SavedItinerary]) {
        self.init(aeroapi: aeroapi, twilio: twilio, openai: openai, approvals: approvals, events: events, trips: trips,
                  conversations: conversations)
        self.itineraries = itineraries
    }

    /// Reads a fixtures file (YAML or JSON).
    /// - Throws: `DryRunError` naming the file, line and column of the first problem.
    public init(parsing file: SourceFile) throws(DryRunError) {
        try self.init(DryRunDocument(parsing: file))
    }

    /// Reads a fixtures document already parsed to a value (errors then carry no line).
    public init(_ document: Value) throws(DryRunError) {
        try self.init(DryRunDocument(document))
    }

    /// Reads a located fixtures document; every key is optional, unknown keys are errors.
    public init(_ document: DryRunDocument) throws(DryRunError) {
        let reader = DryRunFixturesReader()
        let root = try reader.map(document, "the fixtures document",
                                  allowed: ["aeroapi", "twilio", "openai", "approvals", "events", "trips",
                                           "conversations", "itineraries"])
        aeroapi = try reader.answers(root["aeroapi"], "aeroapi", okStatus: 200, bodyKeys: ["flights", "links", "num_pages"])
        twilio = try reader.answers(root["twilio"], "twilio", okStatus: 201, bodyKeys: [])
        openai = try reader.answers(root["openai"], "openai", okStatus: 200, bodyKeys: ["content"])
        approvals = try reader.approvals(root["approvals"])
        events = try reader.events(root["events"])
        trips = try reader.trips(root["trips"])
        conversations = try reader.conversations(root["conversations"], tripIDs: Set(trips.map(\.id)))
        itineraries = try reader.itineraries(root["itineraries"], tripIDs: Set(trips.map(\.id)))
    }

    /// The entry in force at `now`, if any.
    static func answer(in timeline: [Answer], at now: Instant) -> Answer? {
        answerIndex(in: timeline, at: now).map { timeline[$0] }
    }

    /// The index of the entry in force at `now`, if any.
    static func answerIndex(in timeline: [Answer], at now: Instant) -> Int? {
        timeline.lastIndex { ($0.from ?? Instant(epochMilliseconds: .min)) <= now }
    }
}
