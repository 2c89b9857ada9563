public import FlowEngine
public import FlowRuntime
import PostgresNIO

/// Itinerary versions on PostgreSQL: the trip row is locked (`FOR UPDATE`) while the next
/// version is numbered, so concurrent saves for one trip get consecutive versions.
extension PostgresFlowStore {
    static let itineraryColumns = """
        id, trip_id, agency_id, instance_id, version, status, raw_prompt, raw_response, \
        parsed_itinerary::text AS parsed_itinerary, generated_at
        """

    public func saveItinerary(_ draft: ItineraryDraft) async throws -> ItineraryRecord {
        try await transaction { session in
            let trip = try await session.query("SELECT id FROM trips WHERE id = \(draft.tripID) FOR UPDATE")
            guard !trip.isEmpty else {
                throw StoreError(.notFound, "trip '\(draft.tripID)' does not exist")
            }
            if let instance = draft.instanceID, let saved = try await session.query(
                """
                SELECT \(unescaped: Self.itineraryColumns) FROM itineraries
                WHERE trip_id = \(draft.tripID) AND instance_id = \(instance) ORDER BY version DESC LIMIT 1
                """).first {
                return try Self.itineraryRecord(saved)
            }
            let highest = try await session.query(
                "SELECT COALESCE(MAX(version), 0)::int4 AS version FROM itineraries WHERE trip_id = \(draft.tripID)")
            let version = Int(try highest.first?.makeRandomAccess()["version"].decode(Int32.self) ?? 0) + 1
            let record = ItineraryRecord(draft, version: version)
            let document = try StoreCoding.json(record.itinerary)
            try await session.query(
                """
                INSERT INTO itineraries (id, trip_id, agency_id, instance_id, version, status, raw_prompt, raw_response,
                    parsed_itinerary, generated_at)
                VALUES (\(record.id), \(record.tripID), \(record.agencyID), \(record.instanceID),
                    \(Int32(record.version)), \(record.status), \(record.rawPrompt), \(record.rawResponse), \(document)::jsonb,
                    \(record.generatedAt.postgres))
                """
            )
            return record
        }
    }

    public func latestItinerary(tripID: String) async throws -> ItineraryRecord? {
        try await rows(
            """
            SELECT \(unescaped: Self.itineraryColumns) FROM itineraries WHERE trip_id = \(tripID)
            ORDER BY version DESC LIMIT 1
            """
        ).first.map(Self.itineraryRecord)
    }

    static func itineraryRecord(_ row: PostgresRow) throws -> ItineraryRecord {
        let r = row.makeRandomAccess()
        return ItineraryRecord(
            id: try r["id"].decode(String.self), tripID: try r["trip_id"].decode(String.self),
            agencyID: try r["agency_id"].decode(String?.self), instanceID: try r["instance_id"].decode(String?.self),
            version: Int(try r["version"].decode(Int32.self)), status: try r["status"].decode(String.self),
            itinerary: try StoreCoding.value(try r["parsed_itinerary"].decode(String.self), column: "parsed_itinerary"),
            rawPrompt: try r["raw_prompt"].decode(String?.self),
            rawResponse: try r["raw_response"].decode(String?.self),
            generatedAt: try r["generated_at"].decode(PostgresInstant.self).instant)
    }
}
