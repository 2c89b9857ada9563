public import FlowEngine
public import FlowRuntime
import HTTPTypes
public import Hummingbird

extension TripRoutes {
    /// The largest page of `GET /agencies/{agency}/trips`, and its default.
    static var maximumPage: Int { 100 }
    static var defaultPage: Int { 20 }

    /// `PATCH /trips/{trip_id}`: a merge-patch of `TripRequest.patchable` fields. The row is
    /// rewritten and `trip.updated` `{trip, agency}` (the whole patched trip) is announced with the
    /// trip id as key — dispatched to flows it triggers and delivered to the trip's waiting
    /// instances (`Idempotency-Key`: a repeated delivery reaches no instance twice). 200 with the
    /// trip; 409 when cancelled; 422 naming a field that is unknown, not patchable or malformed.
    func update(_ entry: TripEntry, request: Request) async throws -> Response {
        let patch = try await APIResponse.body(of: request, what: "the body of PATCH /trips/{trip_id}")
        let key = try IdempotencyKeyHeader.value(of: request)
        guard entry.cancelledAt == nil else { throw APIError.conflict("the trip '\(entry.trip.id)' was cancelled") }
        let document = try TripRequest.patched(TripView.document(entry.trip), with: patch)
        let now = services.clock()
        let record: TripRecord
        do {
            record = try TripRecord(trip: document, agency: entry.trip.agencyID, instanceID: nil, at: now)
        } catch {
            throw APIError.unprocessable(error.message)
        }
        let agency = entry.trip.agencyID ?? ""
        try await store.upsertTrip(record)
        try await announce(
            Self.updated, document: document, agency: agency, at: now,
            dedup: key.map { "trips/\(agency)/\(entry.trip.id)/updated/\($0)" })
        guard let updated = try await store.tripEntry(id: entry.trip.id) else { throw APIError.notFound("no such trip") }
        return APIResponse.json(try await view(updated))
    }

    /// `DELETE /trips/{trip_id}` `{reason?}`: marks the trip cancelled (once: a repeat keeps the first
    /// instant) and announces `trip.cancelled` `{trip, agency, reason}` with the trip id as key. The
    /// delivery's dedup key is the trip's, so a repeated `DELETE` reaches no instance twice. 200 with
    /// the trip (`status: cancelled`).
    func cancel(_ entry: TripEntry, request: Request) async throws -> Response {
        let reason = try await Self.cancelReason(of: request)
        let now = services.clock()
        let agency = entry.trip.agencyID ?? ""
        guard try await store.cancelTrip(id: entry.trip.id, at: now) != nil else { throw APIError.notFound("no such trip") }
        try await announce(
            Self.cancelled, document: TripView.document(entry.trip), agency: agency, at: now,
            dedup: "trips/\(agency)/\(entry.trip.id)/cancelled", extra: ["reason": reason.map(Value.string) ?? .null])
        guard let cancelled = try await store.tripEntry(id: entry.trip.id) else { throw APIError.notFound("no such trip") }
        return APIResponse.json(try await view(cancelled))
    }

    /// A `DELETE`'s body: nothing, or `{reason?}` (400 for another document, 422 for another field
    /// or a `reason` that is not text).
    static func cancelReason(of request: Request) async throws -> String? {
        let body = try await APIResponse.body(of: request, empty: .object([:]), what: "the body of DELETE /trips/{trip_id}")
        guard let object = body.objectValue else { throw APIError.badRequest("the body must be a JSON object {reason?}") }
        if let unknown = object.keys.sorted().first(where: { $0 != "reason" }) {
            throw APIError.unprocessable("'\(unknown)' is not a field of a cancellation (fields: reason)")
        }
        guard let reason = object["reason"], !reason.isNull else { return nil }
        guard let text = reason.stringValue else { throw APIError.unprocessable("'reason' must be text") }
        return text
    }

    /// `GET /agencies/{agency}/trips?limit=&cursor=`: the agency's trips in creation order
    /// (`limit` 1–100, default 20), each with its instances' states; `next_cursor` (the opaque
    /// cursor of `GET /instances`) for the next page, null on the last.
    func list(_ request: Request, agency: String) async throws -> Response {
        let query = request.uri.queryParameters
        var limit = Self.defaultPage
        if let text = query.get("limit") {
            guard let value = Int(text), (1...Self.maximumPage).contains(value) else {
                throw APIError.badRequest("limit must be a number from 1 to \(Self.maximumPage)")
            }
            limit = value
        }
        var after: InstanceCursor?
        if let text = query.get("cursor") {
            guard let cursor = PageCursor.decode(String(text)) else { throw APIError.badRequest("cursor is not valid") }
            after = cursor
        }
        let page = try await store.tripEntries(agency: agency, after: after, limit: limit + 1)
        let shown = Array(page.prefix(limit))
        let next = page.count > limit ? shown.last.map { PageCursor.encode(InstanceCursor(createdAt: $0.createdAt, id: $0.trip.id)) } : nil
        return APIResponse.json([
            "agency": .string(agency), "trips": .array(try await views(shown)),
            "next_cursor": next.map(Value.string) ?? .null,
        ])
    }
}
