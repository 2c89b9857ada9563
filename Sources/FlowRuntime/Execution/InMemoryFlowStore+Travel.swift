import FlowEngine

/// Trips and conversations in memory, with the durable stores' semantics.
extension InMemoryFlowStore {
    public func upsertTrip(_ trip: TripRecord) async throws {
        try TripRecord.check(trip)
        tripRows[trip.id] = trip
    }

    public func trip(id: String) async throws -> TripRecord? { tripRows[id] }

    public func trips(whatsapp: String) async throws -> [TripRecord] {
        tripRows.values.filter { $0.whatsapp == whatsapp }.sorted { ($0.departureAt, $0.id) < ($1.departureAt, $1.id) }
    }

    public func appendConversation(_ turn: ConversationTurn) async throws {
        guard tripRows[turn.tripID] != nil else { throw StoreError(.notFound, "trip '\(turn.tripID)' does not exist") }
        conversationRows.append(turn)
    }

    public func conversation(tripID: String, limit: Int) async throws -> [ConversationTurn] {
        // Appended in order; a stable sort by time keeps insertion order among equal instants.
        let turns = conversationRows.enumerated().filter { $0.element.tripID == tripID }
            .sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }.map(\.element)
        return Array(turns.suffix(max(0, limit)))
    }
}

extension TripRecord {
    /// The `trips` table's own checks (IATA codes of three letters), as a conflict.
    static func check(_ trip: TripRecord) throws {
        guard trip.origin.count == 3, trip.destination.count == 3 else {
            throw StoreError(.conflict, "trip '\(trip.id)': origin and destination must be 3-letter IATA codes")
        }
    }
}
