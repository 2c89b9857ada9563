import FlowEngine
public import FlowRuntime
import SQLiteNIO

/// Trips' documents on SQLite (`trip_documents`, migration 14).
extension SQLiteFlowStore {
    static let documentColumns = """
        id, trip_id, agency_id, phone, type, name, url, content_type, source, message_sid, media_index, received_at
        """

    public func recordDocument(_ document: TripDocument) async throws -> Bool {
        try await write { _ in
            if let trip = document.tripID,
               try await exec("SELECT id FROM trips WHERE id = ?", [.text(trip)]).isEmpty {
                throw StoreError(.notFound, "trip '\(trip)' does not exist")
            }
            return !(try await exec(
                """
                INSERT INTO trip_documents (\(Self.documentColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT DO NOTHING RETURNING id
                """,
                [.text(document.id), .optional(document.tripID), .optional(document.agencyID),
                 .optional(document.phone), .text(document.type.rawValue), .text(document.name), .text(document.url),
                 .optional(document.contentType), .text(document.source.rawValue), .optional(document.messageSid),
                 document.mediaIndex.map { .int(Int64($0)) } ?? .null, .instant(document.receivedAt)]
            )).isEmpty
        }
    }

    public func document(id: String) async throws -> TripDocument? {
        try await read { _ in
            try await exec("SELECT \(Self.documentColumns) FROM trip_documents WHERE id = ?", [.text(id)])
                .first.map(Self.tripDocument)
        }
    }

    public func documents(tripID: String, after: DocumentCursor?, limit: Int) async throws -> [TripDocument] {
        try await read { _ in
            try await exec(
                """
                SELECT \(Self.documentColumns) FROM trip_documents
                WHERE trip_id = ? AND (? IS NULL OR received_at > ? OR (received_at = ? AND id > ?))
                ORDER BY received_at, id LIMIT ?
                """,
                [.text(tripID), .instant(after?.receivedAt), .instant(after?.receivedAt), .instant(after?.receivedAt),
                 .optional(after?.id), .int(Int64(max(0, limit)))]
            ).map(Self.tripDocument)
        }
    }

    public func deleteDocument(id: String) async throws -> Bool {
        try await write { _ in
            !(try await exec("DELETE FROM trip_documents WHERE id = ? RETURNING id", [.text(id)])).isEmpty
        }
    }

    static func tripDocument(_ row: SQLiteRow) throws -> TripDocument {
        let r = SQLiteRowReader(row)
        guard let type = DocumentType(rawValue: try r.string("type")),
              let source = TripDocument.Source(rawValue: try r.string("source"))
        else { throw StoreError(.corrupt, "trip_documents.type or source is not a known value") }
        var index: Int?
        if case .integer(let value)? = row.column("media_index") { index = Int(value) }
        return TripDocument(
            id: try r.string("id"), tripID: try r.optionalString("trip_id"), agencyID: try r.optionalString("agency_id"),
            phone: try r.optionalString("phone"), type: type, name: try r.string("name"), url: try r.string("url"),
            contentType: try r.optionalString("content_type"), source: source,
            messageSid: try r.optionalString("message_sid"), mediaIndex: index, receivedAt: try r.instant("received_at"))
    }
}
