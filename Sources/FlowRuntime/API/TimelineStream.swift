public import FlowEngine
import Foundation
public import Hummingbird
import HTTPTypes
import NIOCore

/// The one Server-Sent Events loop over an instance's timeline, shared by the control plane's
/// `GET /instances/{id}/events` and a product's streams (the planning API's `/v1/stream`): each
/// stored entry after `after`, in sequence order, becomes the events `events` maps it to (none, one
/// or several, each with the entry's sequence as `id:`, so `Last-Event-ID` resumes with no gap and
/// no duplicate); a `: heartbeat` comment every `heartbeat`; once the instance has ended, the entries
/// committed with the end, then the events `end` gives, and the stream closes. The loop waits on the
/// `TimelineNotifier` (announcements of this process, or of other daemons through
/// `PostgresWakeListener`), polling the store every `TimelineRoutes.pollInterval` as a safety net.
public enum TimelineStream {
    /// One event on the wire.
    public struct Event: Sendable, Hashable {
        /// The `id:` line: the timeline sequence a client resumes after; nil for an event a client
        /// cannot resume from (none is written).
        public var id: Int64?
        /// The `event:` line (a browser `EventSource` listens by this name).
        public var name: String
        /// The `data:` payload (JSON).
        public var data: Value

        public init(id: Int64?, name: String, data: Value) {
            self.id = id
            self.name = name
            self.data = data
        }

        /// The wire format: `id:`, `event:`, one `data:` line per line of the payload, a blank line.
        public var text: String {
            var text = id.map { "id: \($0)\n" } ?? ""
            text += "event: \(name)\n"
            for line in data.jsonText.split(separator: "\n", omittingEmptySubsequences: false) {
                text += "data: \(line)\n"
            }
            return text + "\n"
        }
    }

    /// A comment line clients ignore; it keeps proxies and idle timeouts from closing the stream.
    public static let heartbeatText = ": heartbeat\n\n"

    /// A `text/event-stream` response streaming instance `id`'s timeline after sequence `start`.
    /// - Parameters:
    ///   - events: the events one entry becomes (pure; an empty list skips the entry).
    ///   - end: the closing events, given the ended instance and the last sequence read.
    public static func response<Store: FlowStore>(
        id: String, after start: Int64, store: Store, notifier: TimelineNotifier, heartbeat: Duration,
        events: @escaping @Sendable (HistoryEntry) -> [Event],
        end: @escaping @Sendable (InstanceRecord, Int64) async throws -> [Event]
    ) -> Response {
        let headers: HTTPFields = [
            .contentType: "text/event-stream", .cacheControl: "no-cache", HTTPField.Name("X-Accel-Buffering")!: "no",
        ]
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            var after = start
            var lastBeat = ContinuousClock.now
            while !Task.isCancelled {
                let seen = notifier.version(of: id)
                var entries = try await store.history(instanceID: id, after: after)
                guard let record = try await store.instance(id: id) else { break }
                if record.status.isFinished {
                    // Entries committed with the final status were read above only if they came first.
                    entries += try await store.history(instanceID: id, after: entries.last?.sequence ?? after)
                }
                for entry in entries {
                    let text = events(entry).map(\.text).joined()
                    // One write per entry: its events reach the client together.
                    if !text.isEmpty { try await writer.write(ByteBuffer(string: text)) }
                    after = entry.sequence
                }
                if record.status.isFinished {
                    let closing = try await end(record, after).map(\.text).joined()
                    if !closing.isEmpty { try await writer.write(ByteBuffer(string: closing)) }
                    break
                }
                let untilBeat = heartbeat - (ContinuousClock.now - lastBeat)
                if untilBeat <= .zero {
                    try await writer.write(ByteBuffer(string: heartbeatText))
                    lastBeat = ContinuousClock.now
                    continue
                }
                await notifier.wait(for: id, after: seen, atMost: min(untilBeat, TimelineRoutes.pollInterval))
            }
            try await writer.finish(nil)
        })
    }
}
