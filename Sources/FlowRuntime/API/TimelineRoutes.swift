public import FlowEngine
import Foundation
public import Hummingbird
import NIOCore

/// An instance's timeline over HTTP: `GET /instances/{id}/events` as JSON pages by sequence
/// (`?after=SEQ&limit=N`, N from 1 to 1000, else 400), and — when the request accepts
/// `text/event-stream` — as Server-Sent Events: `id:` is the entry's sequence, `event:` its kind, `data:` the entry as JSON (the
/// dry-run's shape); `Last-Event-ID` (or `?after=`) resumes after that sequence with no gap and no
/// duplicate; a `: heartbeat` comment every `heartbeat`; an `end` event with the final status once
/// the instance has ended (succeeded, failed, cancelled), after which the stream closes. A client
/// that disconnects only ends its own stream. `visible` decides whether the caller may see the
/// instance (another agency's: 404).
public enum TimelineRoutes {
    /// How often a stream re-reads the store without an announcement: a safety net only — commits
    /// of this daemon announce in process, commits of other daemons on PostgreSQL through
    /// `flow_timeline` (`PostgresWakeListener`).
    public static var pollInterval: Duration { .seconds(5) }
    /// The most entries one JSON page carries.
    public static var maximumPage: Int { 1_000 }

    public static func add<Context: RequestContext, Store: FlowStore>(
        to router: Router<Context>, store: Store, notifier: TimelineNotifier,
        heartbeat: Duration = .seconds(15),
        visible: @escaping @Sendable (InstanceRecord, Context) -> Bool = { _, _ in true }
    ) {
        router.get("instances/:id/events") { request, context -> Response in
            let id = try context.parameters.require("id")
            guard let record = try await store.instance(id: id), visible(record, context) else {
                throw HTTPError(.notFound, message: "no such instance")
            }
            let after = try Self.after(request)
            if request.headers[.accept]?.contains("text/event-stream") == true {
                return stream(id: id, after: after, store: store, notifier: notifier, heartbeat: heartbeat)
            }
            let limit = try Self.limit(request)
            let entries = try await store.history(instanceID: id, after: after)
            let page = Array(entries.prefix(limit))
            let body: Value = [
                "instance": .string(id), "status": .string(record.status.rawValue),
                "events": .array(page.map(Self.json)),
                "next_after": .number(Double(page.last?.sequence ?? after)), "more": .bool(entries.count > limit),
            ]
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: body.jsonText)))
        }
    }

    /// The sequence to start after: `Last-Event-ID`, else `?after=`, else 0. Each that is given must
    /// be a sequence (an empty one too), even when the header makes `after` moot: 400 otherwise.
    public static func after(_ request: Request) throws -> Int64 {
        let query = try request.uri.queryParameters.get("after").map { try sequence(String($0), "after") }
        if let header = request.headers[.init("Last-Event-ID")!] { return try sequence(header, "Last-Event-ID") }
        return query ?? 0
    }

    static func sequence(_ text: String, _ name: String) throws -> Int64 {
        guard let value = Int64(text.trimmingCharacters(in: .whitespaces)), value >= 0 else {
            throw HTTPError(.badRequest, message: "\(name) must be a non-negative sequence number")
        }
        return value
    }

    /// The page size: `?limit=` from 1 to `maximumPage`, else 100.
    static func limit(_ request: Request) throws -> Int {
        guard let text = request.uri.queryParameters.get("limit") else { return 100 }
        guard let value = Int(text), (1...maximumPage).contains(value) else {
            throw HTTPError(.badRequest, message: "limit must be a number from 1 to \(maximumPage)")
        }
        return value
    }

    /// One entry as JSON: the dry-run's shape plus its `seq`.
    static func json(_ entry: HistoryEntry) -> Value {
        guard case .object(var members) = entry.timelineValue else { return entry.timelineValue }
        members["seq"] = .number(Double(entry.sequence))
        return .object(members)
    }

    /// The control plane's stream: every entry as itself (`event:` its kind, `data:` `json(entry)`),
    /// then `end` with the final status (`TimelineStream` is the loop).
    static func stream<Store: FlowStore>(
        id: String, after start: Int64, store: Store, notifier: TimelineNotifier, heartbeat: Duration
    ) -> Response {
        TimelineStream.response(
            id: id, after: start, store: store, notifier: notifier, heartbeat: heartbeat,
            events: { [TimelineStream.Event(id: $0.sequence, name: $0.kind.rawValue, data: json($0))] },
            end: { record, after in
                let end: Value = ["instance": .string(id), "status": .string(record.status.rawValue)]
                return [TimelineStream.Event(id: after, name: "end", data: end)]
            })
    }
}
