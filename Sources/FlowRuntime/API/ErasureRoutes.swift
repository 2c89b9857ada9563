public import FlowEngine
public import Hummingbird

/// Erasure of one traveller's data on request (`TravellerErasure`):
/// - `POST /agencies/{agency}/erasures` — body `{"phone": "+E.164"}` or `{"trip_id": "…"}` (exactly
///   one; another field is a 422 naming it): erases the agency's records about the traveller and every
///   finished instance about them, and answers 201 with the audit entry (kinds and counts). When an
///   instance about them is still running or waiting, nothing is erased: 409 `instances_running` with
///   their ids (cancel them, then ask again);
/// - `GET /agencies/{agency}/erasures` — the agency's erasures, newest first (at most 500): kinds and
///   counts, when and by which key — never the phone number or trip id.
/// An agency key reaches its own agency only (another's answers 404); admin keys reach every one.
public enum ErasureRoutes {
    /// The most erasures a list answers.
    public static let listLimit = 500

    public static func add<Context: AuthenticatedRequestContext>(
        to router: Router<Context>, erasure: TravellerErasure,
        clock: @escaping @Sendable () -> Instant = InstanceWorker<InMemoryFlowStore>.wallClock
    ) {
        router.post("agencies/:agency/erasures") { request, context -> Response in
            let agency = try OverrideRoutes.visibleAgency(context)
            let identity = try context.requireIdentity()
            let subject = try subject(of: try await APIResponse.body(of: request))
            switch try await erasure.erase(subject, agency: agency, by: identity.keyName, at: clock()) {
            case .erased(let record):
                return APIResponse.json(record.json, status: .created)
            case .running(let ids):
                let message = "\(ids.count) instance(s) about this traveller are still running or waiting; "
                    + "cancel them (POST /instances/{id}/cancel) and ask again once they have ended"
                return APIResponse.json(
                    ["error": ["code": "instances_running", "message": .string(message)],
                     "instances": .array(ids.map(Value.string))],
                    status: .conflict)
            }
        }
        router.get("agencies/:agency/erasures") { _, context -> Response in
            let agency = try OverrideRoutes.visibleAgency(context)
            let records = try await erasure.log.erasures(agency: agency, limit: listLimit)
            return APIResponse.json(["agency": .string(agency), "erasures": .array(records.map(\.json))])
        }
    }

    /// The request's subject: an object with exactly one of `phone` (E.164) and `trip_id` (non-empty text).
    static func subject(of body: Value) throws -> ErasureSubject {
        guard let object = body.objectValue else {
            throw APIError.badRequest("the body must be a JSON object {phone} or {trip_id}")
        }
        if let unknown = object.keys.sorted().first(where: { $0 != "phone" && $0 != "trip_id" }) {
            throw APIError.unprocessable("unknown field '\(unknown)' (phone, trip_id)")
        }
        switch (object["phone"], object["trip_id"]) {
        case (let phone?, nil):
            guard let text = phone.stringValue, ErasureSubject.isE164(text) else {
                throw APIError.unprocessable("phone: must be an E.164 number such as +5491155550000")
            }
            return .phone(text)
        case (nil, let trip?):
            guard let text = trip.stringValue, !text.isEmpty, text.unicodeScalars.count <= 200 else {
                throw APIError.unprocessable("trip_id: must be non-empty text of at most 200 characters")
            }
            return .trip(text)
        case (nil, nil):
            throw APIError.unprocessable("phone or trip_id is required")
        case (_?, _?):
            throw APIError.unprocessable("give phone or trip_id, not both")
        }
    }
}
