public import FlowEngine
public import FlowRuntime

/// A new version of a trip's itinerary, before the store numbers it (`FlowStore.saveItinerary`).
public struct ItineraryDraft: Sendable, Hashable {
    public var tripID: String
    public var agencyID: String?
    /// The instance that produced it: one instance saves at most one version.
    public var instanceID: String?
    /// The validated itinerary document (`{days: [{date, items: [...]}]}`).
    public var itinerary: Value
    public var rawPrompt: String?
    public var rawResponse: String?
    public var at: Instant

    public init(
        tripID: String, agencyID: String?, instanceID: String?, itinerary: Value, rawPrompt: String? = nil,
        rawResponse: String? = nil, at: Instant
    ) {
        self.tripID = tripID
        self.agencyID = agencyID
        self.instanceID = instanceID
        self.itinerary = itinerary
        self.rawPrompt = rawPrompt
        self.rawResponse = rawResponse
        self.at = at
    }
}

/// One row of `itineraries`: a stored version of a trip's itinerary.
public struct ItineraryRecord: Sendable, Hashable, Codable {
    /// `<trip id>/v<version>`.
    public var id: String
    public var tripID: String
    public var agencyID: String?
    public var instanceID: String?
    /// 1 for the trip's first itinerary, then one more for each new one.
    public var version: Int
    /// `draft` when saved (the table also allows approved, rejected, regenerating).
    public var status: String
    public var itinerary: Value
    public var rawPrompt: String?
    public var rawResponse: String?
    public var generatedAt: Instant

    public init(
        id: String, tripID: String, agencyID: String?, instanceID: String?, version: Int, status: String,
        itinerary: Value, rawPrompt: String?, rawResponse: String?, generatedAt: Instant
    ) {
        self.id = id
        self.tripID = tripID
        self.agencyID = agencyID
        self.instanceID = instanceID
        self.version = version
        self.status = status
        self.itinerary = itinerary
        self.rawPrompt = rawPrompt
        self.rawResponse = rawResponse
        self.generatedAt = generatedAt
    }

    /// The record a draft becomes as `version`.
    public init(_ draft: ItineraryDraft, version: Int) {
        self.init(
            id: Self.id(tripID: draft.tripID, version: version), tripID: draft.tripID, agencyID: draft.agencyID,
            instanceID: draft.instanceID, version: version, status: "draft", itinerary: draft.itinerary,
            rawPrompt: draft.rawPrompt, rawResponse: draft.rawResponse, generatedAt: draft.at)
    }

    /// The row id of a trip's version.
    public static func id(tripID: String, version: Int) -> String { "\(tripID)/v\(version)" }
}
