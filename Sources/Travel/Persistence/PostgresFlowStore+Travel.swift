public import FlowEngine
public import FlowRuntime
import PostgresNIO

/// Trips and conversations on PostgreSQL.
extension PostgresFlowStore {
    static let tripColumns = """
        id, agency_id, client_name, whatsapp, flight_number, origin, destination, departure_at, stay, notes, \
        language, metadata::text AS metadata, instance_id, updated_at
        """

    public func upsertTrip(_ trip: TripRecord) async throws {
        let metadata = try StoreCoding.json(trip.metadata)
        try await transaction { session in
            if let agency = trip.agencyID {
                try await session.query(
                    "INSERT INTO agencies (id, name) VALUES (\(agency), \(agency)) ON CONFLICT (id) DO NOTHING")
            }
            try await session.query(
                """
                INSERT INTO trips (id, agency_id, client_name, whatsapp, flight_number, origin, destination,
                    departure_at, stay, notes, language, metadata, instance_id, created_at, updated_at)
                VALUES (\(trip.id), \(trip.agencyID), \(trip.clientName), \(trip.whatsapp), \(trip.flightNumber),
                    \(trip.origin), \(trip.destination), \(trip.departureAt.postgres), \(trip.stay), \(trip.notes),
                    \(trip.language), \(metadata)::jsonb, \(trip.instanceID), \(trip.updatedAt.postgres),
                    \(trip.updatedAt.postgres))
                ON CONFLICT (id) DO UPDATE SET agency_id = excluded.agency_id, client_name = excluded.client_name,
                    whatsapp = excluded.whatsapp, flight_number = excluded.flight_number, origin = excluded.origin,
                    destination = excluded.destination, departure_at = excluded.departure_at, stay = excluded.stay,
                    notes = excluded.notes, language = excluded.language, metadata = excluded.metadata,
                    instance_id = COALESCE(excluded.instance_id, trips.instance_id), updated_at = excluded.updated_at
                """
            )
        }
    }

    public func trip(id: String) async throws -> TripRecord? {
        try await rows("SELECT \(unescaped: Self.tripColumns) FROM trips WHERE id = \(id)").first.map(Self.tripRecord)
    }

    public func trips(whatsapp: String) async throws -> [TripRecord] {
        try await rows(
            "SELECT \(unescaped: Self.tripColumns) FROM trips WHERE whatsapp = \(whatsapp) ORDER BY departure_at, id"
        ).map(Self.tripRecord)
    }

    public func appendConversation(_ turn: ConversationTurn) async throws {
        let inserted = try await rows(
            """
            INSERT INTO conversations (trip_id, agency_id, sender, message, intent, provider_id, created_at)
            SELECT t.id, \(turn.agencyID), \(turn.sender.rawValue), \(turn.message), \(turn.intent), \(turn.providerID),
                \(turn.at.postgres)
            FROM trips t WHERE t.id = \(turn.tripID)
            RETURNING id
            """
        )
        guard !inserted.isEmpty else { throw StoreError(.notFound, "trip '\(turn.tripID)' does not exist") }
    }

    public func conversation(tripID: String, limit: Int) async throws -> [ConversationTurn] {
        try await rows(
            """
            SELECT trip_id, agency_id, sender, message, intent, provider_id, created_at FROM (
                SELECT * FROM conversations WHERE trip_id = \(tripID) ORDER BY created_at DESC, id DESC
                LIMIT \(max(0, limit))
            ) recent ORDER BY created_at, id
            """
        ).map { row in
            let r = row.makeRandomAccess()
            guard let sender = ConversationTurn.Sender(rawValue: try r["sender"].decode(String.self)) else {
                throw StoreError(.corrupt, "conversations.sender is not user, bot or agent")
            }
            return ConversationTurn(
                tripID: try r["trip_id"].decode(String.self), agencyID: try r["agency_id"].decode(String?.self),
                sender: sender, message: try r["message"].decode(String.self),
                intent: try r["intent"].decode(String?.self), providerID: try r["provider_id"].decode(String?.self),
                at: try r["created_at"].decode(PostgresInstant.self).instant)
        }
    }

    static func tripRecord(_ row: PostgresRow) throws -> TripRecord {
        let r = row.makeRandomAccess()
        return TripRecord(
            id: try r["id"].decode(String.self), agencyID: try r["agency_id"].decode(String?.self),
            clientName: try r["client_name"].decode(String.self), whatsapp: try r["whatsapp"].decode(String.self),
            flightNumber: try r["flight_number"].decode(String.self), origin: try r["origin"].decode(String.self),
            destination: try r["destination"].decode(String.self),
            departureAt: try r["departure_at"].decode(PostgresInstant.self).instant,
            stay: try r["stay"].decode(String?.self), notes: try r["notes"].decode(String?.self),
            language: try r["language"].decode(String.self),
            metadata: try r["metadata"].decode(String?.self).map { try StoreCoding.value($0, column: "metadata") },
            instanceID: try r["instance_id"].decode(String?.self),
            updatedAt: try r["updated_at"].decode(PostgresInstant.self).instant)
    }
}
