public import FlowEngine
public import Hummingbird

/// What `POST /events/{name}` answers: the flows the event started (or found started) and the
/// waiting instances it was delivered to; both empty for an event no one listens to.
public struct EventResponse: Sendable, Codable, ResponseEncodable {
    public struct Started: Sendable, Codable {
        public var flow: String
        public var instance: String
        public var key: String
        public var status: String
        /// False when an instance for this key already existed.
        public var created: Bool
    }

    /// A waiting instance the event reached.
    public struct Delivered: Sendable, Codable {
        public var flow: String
        public var instance: String
    }

    public var event: String
    public var started: [Started]
    public var delivered: [Delivered]
}

/// `POST /events/{name}` with a JSON body (the event payload; `?key=K` is the event's correlation
/// key): starts every flow with an event trigger for `name`, at most once per trigger key, **and**
/// delivers the event to every unfinished instance of the agency with a wait for `name` that
/// correlates with `K` (`EventDelivery`; an `Idempotency-Key` header makes a repeated delivery a no-op). The
/// agency is the key's; an admin key may name one with `?agency=ID` (else its home agency, else
/// the trigger's); an agency key naming another agency is 403 (see `RequestAgency`). Answers 200
/// with both lists, 400 to a body that is not JSON or holds a NUL (`NULCharacter`) and to an empty
/// or over-long `Idempotency-Key`, 413 to a body over 1 MiB, 422 when the payload does not fit a
/// flow's input or key, 409 when its key is already another agency's instance.
public enum EventRoutes {
    public static func add<Context: AuthenticatedRequestContext, Store: FlowStore>(
        to router: Router<Context>, dispatcher: EventDispatcher<Store>, delivery: EventDelivery<Store>,
        clock: @escaping @Sendable () -> Instant = InstanceWorker<Store>.wallClock
    ) {
        router.post("events/:name") { request, context -> EventResponse in
            let name = try context.parameters.require("name")
            let identity = try context.requireIdentity()
            let payload = try await APIResponse.body(of: request, what: "the body of POST /events/\(name)")
            let dedupKey = try IdempotencyKeyHeader.value(of: request)
            let agency = try RequestAgency.forWrite(identity, named: request.uri.queryParameters.get("agency"))
            let started: [EventDispatcher<Store>.Started]
            do {
                started = try await dispatcher.dispatch(event: name, payload: payload, agency: agency, at: clock())
            } catch let error as EventDispatcher<Store>.DispatchError {
                throw APIError.unprocessable(error.description)
            } catch let error as InstanceStarter<Store>.StartError {
                throw APIError.unprocessable(error.description)
            }
            // A trigger key another agency's instance already holds: say so without naming it.
            if started.contains(where: { !identity.canSee(agency: $0.instance.agencyID) }) {
                throw APIError.conflict("the event's key already belongs to an instance of another agency")
            }
            let key = request.uri.queryParameters.get("key").map { String($0) }
            let delivered = try await delivery.deliver(
                event: name, key: key, payload: payload, agency: agency,
                dedupKey: dedupKey, at: clock())
            context.logger.info("event dispatched", metadata: [
                "flow.event": "\(name)", "flow.started": "\(started.filter(\.created).count)",
                "flow.existing": "\(started.filter { !$0.created }.count)", "flow.delivered": "\(delivered.count)",
            ])
            return EventResponse(
                event: name,
                started: started.map {
                    .init(flow: $0.flow, instance: $0.instance.id, key: $0.key, status: $0.instance.status.rawValue,
                          created: $0.created)
                },
                delivered: delivered.map { .init(flow: $0.flow, instance: $0.instance) })
        }
    }
}
