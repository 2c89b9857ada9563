import Crypto
public import FlowEngine
public import FlowRuntime
import Foundation
import HTTPTypes
public import Hummingbird

/// The trips API of the agency portal, on the control plane's keys and tenancy (another agency's
/// trip answers 404 like a missing one):
///
/// - `POST /trips` (a `TripRequest` body; `Idempotency-Key` honoured): records the trip and
///   announces `trip.created` through the daemon's event dispatcher: every flow triggered by it
///   (`flight-notifications`, `itinerary`) starts once per trip id. 201 with the trip; 200 with it when the same trip was posted before (the same id, or
///   the same `Idempotency-Key`: without an `id` the trip's id is derived from the agency and the
///   key); 409 when the id is taken by other fields, a cancelled trip or another agency.
/// - `GET /trips/{trip_id}`: the trip with its instances' states.
/// - `PATCH /trips/{trip_id}` (+`Changes`): a merge-patch; records it and announces `trip.updated`.
/// - `DELETE /trips/{trip_id}` (+`Changes`): marks it cancelled and announces `trip.cancelled`.
/// - `GET /agencies/{agency}/trips?limit=&cursor=` (+`Changes`): the agency's trips, oldest first.
///
/// Events carry `{trip, agency}`: the trip document and the agency's branding (`AgencyRecord.branding`,
/// `input.agency.display_name` in a flow that declares an `agency` input).
public struct TripRoutes<Store: FlowStore & TripStore & AgencyPortalStore>: Sendable {
    public static var created: String { "trip.created" }
    public static var updated: String { "trip.updated" }
    public static var cancelled: String { "trip.cancelled" }

    let store: Store
    let services: ProductServices
    let delivery: EventDelivery<Store>

    public init(store: Store, services: ProductServices) {
        self.store = store
        self.services = services
        self.delivery = EventDelivery(store: store, registry: services.registry, wakeup: services.wakeup)
    }

    public func add(to router: Router<FlowRequestContext>) {
        router.post("trips") { request, context -> Response in
            try await create(request, identity: try context.requireIdentity())
        }
        router.get("trips/:trip_id") { _, context -> Response in
            let entry = try await visible(try context.parameters.require("trip_id"), to: try context.requireIdentity())
            return APIResponse.json(try await view(entry))
        }
        router.patch("trips/:trip_id") { request, context -> Response in
            let identity = try context.requireIdentity()
            let entry = try await visible(try context.parameters.require("trip_id"), to: identity)
            return try await update(entry, request: request)
        }
        router.delete("trips/:trip_id") { request, context -> Response in
            let identity = try context.requireIdentity()
            let entry = try await visible(try context.parameters.require("trip_id"), to: identity)
            return try await cancel(entry, request: request)
        }
        router.get("agencies/:agency/trips") { request, context -> Response in
            let agency = try AgencyRoutes<Store>.visibleAgency(context)
            return try await list(request, agency: agency)
        }
    }

    /// The trip `id` when `identity` may see it; 404 otherwise.
    func visible(_ id: String, to identity: APIIdentity) async throws -> TripEntry {
        guard let entry = try await store.tripEntry(id: id), identity.canSee(agency: entry.trip.agencyID) else {
            throw APIError.notFound("no such trip")
        }
        return entry
    }

    func create(_ request: Request, identity: APIIdentity) async throws -> Response {
        let body = try await APIResponse.body(of: request, what: "the body of POST /trips")
        let named: String?
        switch body["agency_id"] {
        case nil, .null?: named = nil
        case .string(let text)?: named = text
        case let other?: throw APIError.unprocessable("'agency_id' must be text, got \(other.typeName)")
        }
        guard let agency = try RequestAgency.forWrite(identity, named: named) else {
            throw APIError.unprocessable("'agency_id' is required with an admin key that has no agency")
        }
        let key = try IdempotencyKeyHeader.value(of: request)
        let document = try TripRequest.created(body, agency: agency, generatedID: Self.tripID(agency: agency, key: key))
        let id = document["id"]?.stringValue ?? ""
        let now = services.clock()
        var replay = false
        if let existing = try await store.tripEntry(id: id) {
            guard existing.trip.agencyID == agency else {
                throw APIError.conflict("the trip id '\(id)' is already used by another agency")
            }
            guard existing.cancelledAt == nil else { throw APIError.conflict("the trip '\(id)' was cancelled") }
            guard Self.sameTrip(existing.trip, document) else {
                throw APIError.conflict("the trip '\(id)' exists with other fields; PATCH /trips/\(id) changes it")
            }
            replay = true
        } else {
            // Recorded here, whatever flows listen (the `trip` recorder of their triggers writes it again).
            do {
                try await TripRecorder(store: store).record(["trip": document], agency: agency, at: now)
            } catch let error as TripRecord.DocumentError {
                throw APIError.unprocessable(error.message)
            }
        }
        // Announced again on a replay: the dispatcher starts each flow once per trip (its trigger
        // key), so a repeat finishes what an interrupted first request left undone and starts nothing twice.
        let started = try await announce(Self.created, document: document, agency: agency, at: now)
        if started.contains(where: { !identity.canSee(agency: $0.instance.agencyID) }) {
            throw APIError.conflict("the trip's key already belongs to an instance of another agency")
        }
        guard let entry = try await store.tripEntry(id: id) else { throw APIError.notFound("no such trip") }
        return APIResponse.json(
            try await view(entry), status: replay ? .ok : .created, headers: [.location: "/trips/\(id)"])
    }

    /// The trip as the flows receive it: a `departure_local` is converted once, here, with the origin
    /// airport's zone (`TripRecord.departure`, the recorder's rule), and travels as `departure` with the
    /// origin's offset, so every flow reads one instant and shows the same wall-clock time back.
    static func forFlows(_ document: Value) -> Value {
        guard var object = document.objectValue, object["departure"] == nil || object["departure"]?.isNull == true,
              let origin = object["origin"]?.stringValue,
              let instant = try? TripRecord.departure(object, origin: origin),
              let zone = Airports.lookup(origin).flatMap({ ZoneRules(identifier: $0.zone) })
        else { return document }
        object["departure"] = .string(zone.iso8601(instant))
        object["departure_local"] = nil
        return .object(object)
    }

    /// Dispatches `event` with `{trip, agency}` (the flows it triggers start) and delivers it to the
    /// trip's instances waiting for it (correlation: the trip id); `dedup` makes a repeated delivery a no-op.
    @discardableResult
    func announce(_ event: String, document: Value, agency: String, at now: Instant, dedup: String? = nil,
                  extra: [String: Value] = [:]) async throws -> [StartedInstance] {
        guard let events = services.events else {
            throw APIError(.serviceUnavailable, code: "unavailable", message: "this daemon dispatches no events")
        }
        var payload: [String: Value] = extra
        payload["trip"] = Self.forFlows(document)
        payload["agency"] = try await store.agency(id: agency)?.branding ?? ["id": .string(agency)]
        let started: [StartedInstance]
        do {
            started = try await events.dispatch(event: event, payload: .object(payload), agency: agency, at: now)
        } catch let error as EventDispatchError {
            throw APIError.unprocessable(error.description)
        } catch let error as InstanceStartError {
            throw APIError.unprocessable(error.description)
        }
        if event != Self.created {
            _ = try await delivery.deliver(
                event: event, key: document["id"]?.stringValue, payload: .object(payload), agency: agency,
                dedupKey: dedup, at: now)
        }
        return started
    }

    /// The trip with the instances the trip events started (`event/<flow>/<trip id>`: the shipped
    /// flows' `trip.created` triggers key on the trip id).
    func view(_ entry: TripEntry) async throws -> Value {
        try await views([entry]).first ?? .null
    }

    func views(_ entries: [TripEntry]) async throws -> [Value] {
        let flows = services.registry.flowNames.filter { name in
            services.registry.current(name)?.flow.triggers.contains {
                if case .event(let trigger) = $0 { return trigger.event.value == Self.created }
                return false
            } ?? false
        }
        let keys = entries.flatMap { entry in flows.map { "event/\($0)/\(entry.trip.id)" } }
        let ids = try await store.instanceIDs(idempotencyKeys: keys)
        var answers: [Value] = []
        for entry in entries {
            var instances: [InstanceRecord] = []
            for flow in flows {
                guard let id = ids["event/\(flow)/\(entry.trip.id)"], let record = try await store.instance(id: id) else {
                    continue
                }
                instances.append(record)
            }
            answers.append(TripView.json(entry, instances: instances))
        }
        return answers
    }

    /// A new trip's id: derived from the agency and the `Idempotency-Key` (so a retry names the same
    /// trip), else random.
    static func tripID(agency: String, key: String?) -> String {
        guard let key else { return "trip-" + UUID().uuidString.lowercased() }
        let digest = SHA256.hash(data: Data("\(agency)\u{0}\(key)".utf8))
        return "trip-" + digest.prefix(12).map { String(format: "%02x", $0) }.joined()
    }

    /// Whether the stored trip has the booking fields of `document` (a repeated `POST`).
    static func sameTrip(_ stored: TripRecord, _ document: Value) -> Bool {
        guard let posted = try? TripRecord(trip: document, agency: stored.agencyID, instanceID: nil, at: stored.updatedAt)
        else { return false }
        var comparable = stored
        comparable.instanceID = nil
        return comparable == posted
    }
}
