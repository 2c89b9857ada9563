public import FlowEngine
public import FlowRuntime
import SQLiteNIO

/// Trips and conversations on SQLite.
extension SQLiteFlowStore {
    static let tripColumns = """
        id, agency_id, client_name, whatsapp, flight_number, origin, destination, departure_at, stay, notes, \
        language, metadata, instance_id, updated_at
        """

    public func upsertTrip(_ trip: TripRecord) async throws {
        try await write { _ in
            if let agency = trip.agencyID {
                try await exec("INSERT INTO agencies (id, name) VALUES (?, ?) ON CONFLICT (id) DO NOTHING",
                               [.text(agency), .text(agency)])
            }
            try await exec(
                """
                INSERT INTO trips (\(Self.tripColumns), created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET agency_id = excluded.agency_id, client_name = excluded.client_name,
                    whatsapp = excluded.whatsapp, flight_number = excluded.flight_number, origin = excluded.origin,
                    destination = excluded.destination, departure_at = excluded.departure_at, stay = excluded.stay,
                    notes = excluded.notes, language = excluded.language, metadata = excluded.metadata,
                    instance_id = COALESCE(excluded.instance_id, trips.instance_id), updated_at = excluded.updated_at
                """,
                [.text(trip.id), .optional(trip.agencyID), .text(trip.clientName), .text(trip.whatsapp),
                 .text(trip.flightNumber), .text(trip.origin), .text(trip.destination), .instant(trip.departureAt),
                 .optional(trip.stay), .optional(trip.notes), .text(trip.language),
                 .optional(try StoreCoding.json(trip.metadata)), .optional(trip.instanceID), .instant(trip.updatedAt),
                 .instant(trip.updatedAt)]
            )
        }
    }

    public func trip(id: String) async throws -> TripRecord? {
        try await read { _ in
            try await exec("SELECT \(Self.tripColumns) FROM trips WHERE id = ?", [.text(id)]).first.map(Self.tripRecord)
        }
    }

    public func trips(whatsapp: String) async throws -> [TripRecord] {
        try await read { _ in
            try await exec("SELECT \(Self.tripColumns) FROM trips WHERE whatsapp = ? ORDER BY departure_at, id",
                           [.text(whatsapp)]).map(Self.tripRecord)
        }
    }

    public func appendConversation(_ turn: ConversationTurn) async throws {
        try await write { _ in
            guard !(try await exec("SELECT id FROM trips WHERE id = ?", [.text(turn.tripID)])).isEmpty else {
                throw StoreError(.notFound, "trip '\(turn.tripID)' does not exist")
            }
            try await exec(
                """
                INSERT INTO conversations (trip_id, agency_id, sender, message, intent, provider_id, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
                [.text(turn.tripID), .optional(turn.agencyID), .text(turn.sender.rawValue), .text(turn.message),
                 .optional(turn.intent), .optional(turn.providerID), .instant(turn.at)]
            )
        }
    }

    public func conversation(tripID: String, limit: Int) async throws -> [ConversationTurn] {
        try await read { _ in
            try await exec(
                """
                SELECT trip_id, agency_id, sender, message, intent, provider_id, created_at FROM (
                    SELECT * FROM conversations WHERE trip_id = ? ORDER BY created_at DESC, id DESC LIMIT ?
                ) ORDER BY created_at, id
                """,
                [.text(tripID), .int(Int64(max(0, limit)))]
            ).map { row in
                let r = SQLiteRowReader(row)
                guard let sender = ConversationTurn.Sender(rawValue: try r.string("sender")) else {
                    throw StoreError(.corrupt, "conversations.sender is not user, bot or agent")
                }
                return ConversationTurn(
                    tripID: try r.string("trip_id"), agencyID: try r.optionalString("agency_id"), sender: sender,
                    message: try r.string("message"), intent: try r.optionalString("intent"),
                    providerID: try r.optionalString("provider_id"), at: try r.instant("created_at"))
            }
        }
    }

    static func tripRecord(_ row: SQLiteRow) throws -> TripRecord {
        let r = SQLiteRowReader(row)
        return TripRecord(
            id: try r.string("id"), agencyID: try r.optionalString("agency_id"), clientName: try r.string("client_name"),
            whatsapp: try r.string("whatsapp"), flightNumber: try r.string("flight_number"),
            origin: try r.string("origin"), destination: try r.string("destination"),
            departureAt: try r.instant("departure_at"), stay: try r.optionalString("stay"),
            notes: try r.optionalString("notes"), language: try r.string("language"),
            metadata: try r.optionalValue("metadata"), instanceID: try r.optionalString("instance_id"),
            updatedAt: try r.instant("updated_at"))
    }
}
