public import FlowEngine
public import FlowRuntime
import SQLiteNIO

/// Itinerary versions on SQLite: numbered inside the write transaction, which serialises writers.
extension SQLiteFlowStore {
    static let itineraryColumns = """
        id, trip_id, agency_id, instance_id, version, status, raw_prompt, raw_response, parsed_itinerary, generated_at
        """

    public func saveItinerary(_ draft: ItineraryDraft) async throws -> ItineraryRecord {
        try await write { _ in
            guard !(try await exec("SELECT id FROM trips WHERE id = ?", [.text(draft.tripID)])).isEmpty else {
                throw StoreError(.notFound, "trip '\(draft.tripID)' does not exist")
            }
            if let instance = draft.instanceID, let saved = try await exec(
                """
                SELECT \(Self.itineraryColumns) FROM itineraries WHERE trip_id = ? AND instance_id = ?
                ORDER BY version DESC LIMIT 1
                """, [.text(draft.tripID), .text(instance)]).first {
                return try Self.itineraryRecord(saved)
            }
            let highest = try await exec(
                "SELECT COALESCE(MAX(version), 0) AS version FROM itineraries WHERE trip_id = ?", [.text(draft.tripID)])
            let version = Int(try highest.first.map { try SQLiteRowReader($0).int("version") } ?? 0) + 1
            let record = ItineraryRecord(draft, version: version)
            try await exec(
                """
                INSERT INTO itineraries (\(Self.itineraryColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [.text(record.id), .text(record.tripID), .optional(record.agencyID), .optional(record.instanceID),
                 .int(Int64(record.version)), .text(record.status), .optional(record.rawPrompt),
                 .optional(record.rawResponse), .text(try StoreCoding.json(record.itinerary)),
                 .instant(record.generatedAt)]
            )
            return record
        }
    }

    public func latestItinerary(tripID: String) async throws -> ItineraryRecord? {
        try await read { _ in
            try await exec(
                "SELECT \(Self.itineraryColumns) FROM itineraries WHERE trip_id = ? ORDER BY version DESC LIMIT 1",
                [.text(tripID)]
            ).first.map(Self.itineraryRecord)
        }
    }

    static func itineraryRecord(_ row: SQLiteRow) throws -> ItineraryRecord {
        let r = SQLiteRowReader(row)
        return ItineraryRecord(
            id: try r.string("id"), tripID: try r.string("trip_id"), agencyID: try r.optionalString("agency_id"),
            instanceID: try r.optionalString("instance_id"), version: Int(try r.int("version")),
            status: try r.string("status"), itinerary: try r.value("parsed_itinerary"),
            rawPrompt: try r.optionalString("raw_prompt"), rawResponse: try r.optionalString("raw_response"),
            generatedAt: try r.instant("generated_at"))
    }
}
