public import FlowEngine
public import FlowRuntime
import Foundation
import HTTPTypes
public import Hummingbird

/// Agencies attach documents to their trips (`docs/api.md`, "Trip documents"):
///
/// - `POST /trips/{trip_id}/documents` `{name, url, type?, content_type?}` (`DocumentRequest`):
///   201 with the document (`source: api`).
/// - `GET /trips/{trip_id}/documents?limit=&cursor=`: the trip's documents oldest first, WhatsApp
///   media included; `limit` 1–100 (default 50), `next_cursor` null on the last page.
/// - `DELETE /trips/{trip_id}/documents/{document_id}`: 204.
///
/// Every route needs an API key; a trip of another agency answers 404 like a missing one (admin
/// keys see every agency's), and so does a document of another trip.
public struct DocumentRoutes<Store: TripStore & DocumentStore>: Sendable {
    static var defaultPage: Int { 50 }
    static var maximumPage: Int { 100 }

    let store: Store
    let clock: @Sendable () -> Instant

    public init(store: Store, clock: @escaping @Sendable () -> Instant) {
        self.store = store
        self.clock = clock
    }

    public func add(to router: Router<FlowRequestContext>) {
        router.post("trips/:trip_id/documents") { request, context -> Response in
            let trip = try await visibleTrip(context)
            let body = try await APIResponse.body(of: request)
            let parsed: DocumentRequest
            do throws(DocumentRequest.Problem) {
                parsed = try DocumentRequest(body)
            } catch {
                throw APIError.unprocessable(error.message)
            }
            let document = TripDocument(
                id: "doc-" + UUID().uuidString.lowercased(), tripID: trip.id, agencyID: trip.agencyID, phone: nil,
                type: parsed.type, name: parsed.name, url: parsed.url, contentType: parsed.contentType, source: .api,
                receivedAt: clock())
            do {
                _ = try await store.recordDocument(document)
            } catch let error as StoreError where error.code == .notFound {
                throw APIError.notFound("no such trip")
            }
            return APIResponse.json(
                document.value, status: .created,
                headers: [.location: "/trips/\(trip.id)/documents/\(document.id)"])
        }
        router.get("trips/:trip_id/documents") { request, context -> Response in
            let trip = try await visibleTrip(context)
            let (limit, after) = try Self.page(request)
            var documents = try await store.documents(tripID: trip.id, after: after, limit: limit + 1)
            let more = documents.count > limit
            documents = Array(documents.prefix(limit))
            let next = more ? documents.last.map {
                PageCursor.encode(InstanceCursor(createdAt: $0.receivedAt, id: $0.id))
            } : nil
            return APIResponse.json([
                "trip_id": .string(trip.id), "documents": .array(documents.map(\.value)),
                "next_cursor": next.map(Value.string) ?? .null,
            ])
        }
        router.delete("trips/:trip_id/documents/:document_id") { _, context -> Response in
            let trip = try await visibleTrip(context)
            let id = try context.parameters.require("document_id")
            guard let document = try await store.document(id: id), document.tripID == trip.id,
                  try await store.deleteDocument(id: id)
            else { throw APIError.notFound("no such document") }
            return Response(status: .noContent)
        }
    }

    /// The path's trip when the request's key may see it.
    func visibleTrip(_ context: FlowRequestContext) async throws -> TripRecord {
        try await visibleTrip(try context.parameters.require("trip_id"), to: try context.requireIdentity())
    }

    /// The trip when `identity` may see it (its agency's, or any for an admin key); 404 otherwise.
    func visibleTrip(_ id: String, to identity: APIIdentity) async throws -> TripRecord {
        guard let trip = try await store.trip(id: id), identity.canSee(agency: trip.agencyID) else {
            throw APIError.notFound("no such trip")
        }
        return trip
    }

    /// `?limit=` (1–`maximumPage`, default `defaultPage`) and `?cursor=` (a `next_cursor`); 400 otherwise.
    static func page(_ request: Request) throws -> (Int, DocumentCursor?) {
        let query = request.uri.queryParameters
        var limit = defaultPage
        if let text = query.get("limit") {
            guard let value = Int(text), (1...maximumPage).contains(value) else {
                throw APIError.badRequest("limit must be a number from 1 to \(maximumPage)")
            }
            limit = value
        }
        var after: DocumentCursor?
        if let text = query.get("cursor") {
            guard let cursor = PageCursor.decode(String(text)) else { throw APIError.badRequest("cursor is not valid") }
            after = DocumentCursor(receivedAt: cursor.createdAt, id: cursor.id)
        }
        return (limit, after)
    }
}
