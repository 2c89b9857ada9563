public import FlowEngine
import Foundation
public import Hummingbird

/// `POST /instances/{id}/events/{name}` with a JSON body (the payload) and `?key=K`: delivers the
/// event to that one instance (`EventDelivery`), whether it waits for it now or not (a wait with a
/// lookback then finds it); an `Idempotency-Key` header makes a repeat a no-op. 202 once it is in
/// the instance's inbox; 400 for a body that is not JSON or an empty or over-long `Idempotency-Key`;
/// 404 for an instance the caller may not see; 409 when it has ended.
public enum InstanceEventRoutes {
    public static func add<Context: RequestContext, Store: FlowStore>(
        to router: Router<Context>, delivery: EventDelivery<Store>,
        clock: @escaping @Sendable () -> Instant = InstanceWorker<Store>.wallClock,
        visible: @escaping @Sendable (InstanceRecord, Context) -> Bool = { _, _ in true }
    ) {
        router.post("instances/:id/events/:name") { request, context -> Response in
            let id = try context.parameters.require("id")
            let name = try context.parameters.require("name")
            guard let record = try await delivery.store.instance(id: id), visible(record, context) else {
                throw HTTPError(.notFound, message: "no such instance")
            }
            guard !record.status.isFinished else {
                throw HTTPError(.conflict, message: "instance '\(id)' has ended (\(record.status.rawValue))")
            }
            let dedupKey = try IdempotencyKeyHeader.value(of: request)
            let buffer = try await request.collectedBody()
            let payload = buffer.readableBytes == 0
                ? Value.object([:]) : try RequestJSON.parse(buffer, what: "the body (the event's payload)")
            if let location = NULCharacter.location(in: payload) {
                throw APIError.badRequest(NULCharacter.bodyMessage(location))
            }
            try await delivery.deliver(
                name, key: request.uri.queryParameters.get("key").map { String($0) }, payload: payload, to: id,
                dedupKey: dedupKey, at: clock())
            let body: Value = ["instance": .string(id), "event": .string(name), "delivered": true]
            return Response(
                status: .accepted, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: body.jsonText)))
        }
    }
}
