public import FlowRuntime

/// Migration 14: trips' documents (`TripDocument`, `DocumentStore`). A row keeps the document's URL,
/// never its bytes. `trip_id` is null for WhatsApp media of a number no single trip matched (then
/// `phone` files it); `(message_sid, media_index)` is unique, so a retried webhook records nothing
/// twice. Retention and erasure purge by `trip_id`, `agency_id`, `phone` and `received_at` (indexed);
/// deleting a trip deletes its documents.
extension TravelSchema {
    static func documents(_ d: SchemaDialect) -> [String] {
        [
            """
            CREATE TABLE trip_documents (
                id TEXT PRIMARY KEY,
                trip_id TEXT REFERENCES trips (id) ON DELETE CASCADE,
                agency_id TEXT,
                phone TEXT,
                type TEXT NOT NULL \(d.check("type", in: DocumentType.allCases.map(\.rawValue))),
                name TEXT NOT NULL,
                url TEXT NOT NULL,
                content_type TEXT,
                source TEXT NOT NULL \(d.check("source", in: TripDocument.Source.allCases.map(\.rawValue))),
                message_sid TEXT,
                media_index INTEGER,
                received_at \(d.instant) NOT NULL,
                UNIQUE (message_sid, media_index)
            )
            """,
            "CREATE INDEX trip_documents_trip ON trip_documents (trip_id, received_at, id)",
            "CREATE INDEX trip_documents_phone ON trip_documents (phone, received_at)",
            "CREATE INDEX trip_documents_agency ON trip_documents (agency_id, received_at)",
        ]
    }
}
