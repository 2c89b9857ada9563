import FlowEngine
public import FlowRuntime
import PostgresNIO

/// Trips' documents on PostgreSQL (`trip_documents`, migration 14).
extension PostgresFlowStore {
    static let documentColumns = """
        id, trip_id, agency_id, phone, type, name, url, content_type, source, message_sid, media_index, received_at
        """

    public func recordDocument(_ document: TripDocument) async throws -> Bool {
        try await transaction { session in
            if let trip = document.tripID, try await session.query("SELECT id FROM trips WHERE id = \(trip)").isEmpty {
                throw StoreError(.notFound, "trip '\(trip)' does not exist")
            }
            return !(try await session.query(
                """
                INSERT INTO trip_documents (\(unescaped: Self.documentColumns))
                VALUES (\(document.id), \(document.tripID), \(document.agencyID), \(document.phone),
                    \(document.type.rawValue), \(document.name), \(document.url), \(document.contentType),
                    \(document.source.rawValue), \(document.messageSid), \(document.mediaIndex.map(Int32.init)),
                    \(document.receivedAt.postgres))
                ON CONFLICT DO NOTHING RETURNING id
                """
            )).isEmpty
        }
    }

    public func document(id: String) async throws -> TripDocument? {
        try await rows("SELECT \(unescaped: Self.documentColumns) FROM trip_documents WHERE id = \(id)")
            .first.map(Self.tripDocument)
    }

    public func documents(tripID: String, after: DocumentCursor?, limit: Int) async throws -> [TripDocument] {
        let limit = max(0, limit)
        guard let after else {
            return try await rows(
                """
                SELECT \(unescaped: Self.documentColumns) FROM trip_documents WHERE trip_id = \(tripID)
                ORDER BY received_at, id LIMIT \(limit)
                """
            ).map(Self.tripDocument)
        }
        return try await rows(
            """
            SELECT \(unescaped: Self.documentColumns) FROM trip_documents
            WHERE trip_id = \(tripID) AND (received_at, id) > (\(after.receivedAt.postgres), \(after.id))
            ORDER BY received_at, id LIMIT \(limit)
            """
        ).map(Self.tripDocument)
    }

    public func deleteDocument(id: String) async throws -> Bool {
        !(try await rows("DELETE FROM trip_documents WHERE id = \(id) RETURNING id")).isEmpty
    }

    static func tripDocument(_ row: PostgresRow) throws -> TripDocument {
        let r = row.makeRandomAccess()
        guard let type = DocumentType(rawValue: try r["type"].decode(String.self)),
              let source = TripDocument.Source(rawValue: try r["source"].decode(String.self))
        else { throw StoreError(.corrupt, "trip_documents.type or source is not a known value") }
        return TripDocument(
            id: try r["id"].decode(String.self), tripID: try r["trip_id"].decode(String?.self),
            agencyID: try r["agency_id"].decode(String?.self), phone: try r["phone"].decode(String?.self),
            type: type, name: try r["name"].decode(String.self), url: try r["url"].decode(String.self),
            contentType: try r["content_type"].decode(String?.self), source: source,
            messageSid: try r["message_sid"].decode(String?.self),
            mediaIndex: try r["media_index"].decode(Int32?.self).map(Int.init),
            receivedAt: try r["received_at"].decode(PostgresInstant.self).instant)
    }
}
