import FlowEngine
import FlowRuntime

/// Trips' documents in memory, with the SQL stores' rules (unique id and (message_sid, media_index),
/// a trip that must exist).
extension InMemoryTravelStore {
    public func recordDocument(_ document: TripDocument) async throws -> Bool {
        if let trip = document.tripID, tripRows[trip] == nil {
            throw StoreError(.notFound, "trip '\(trip)' does not exist")
        }
        let duplicate = documentRows.contains { row in
            row.id == document.id
                || (document.messageSid != nil && row.messageSid == document.messageSid
                    && row.mediaIndex == document.mediaIndex)
        }
        guard !duplicate else { return false }
        documentRows.append(document)
        return true
    }

    public func document(id: String) async throws -> TripDocument? {
        documentRows.first { $0.id == id }
    }

    public func documents(tripID: String, after: DocumentCursor?, limit: Int) async throws -> [TripDocument] {
        let sorted = documentRows.filter { $0.tripID == tripID }.sorted { ($0.receivedAt, $0.id) < ($1.receivedAt, $1.id) }
        let page = after.map { cursor in sorted.filter { ($0.receivedAt, $0.id) > (cursor.receivedAt, cursor.id) } } ?? sorted
        return Array(page.prefix(max(0, limit)))
    }

    public func deleteDocument(id: String) async throws -> Bool {
        let before = documentRows.count
        documentRows.removeAll { $0.id == id }
        return documentRows.count < before
    }
}
