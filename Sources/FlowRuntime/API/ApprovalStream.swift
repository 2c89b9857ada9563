public import FlowEngine
import Foundation
public import Hummingbird
import HTTPTypes
import NIOCore

/// `GET /approvals` asked for `text/event-stream`: an `approval` event (the approval's JSON, as
/// `GET /approvals/{id}` answers it) whenever one of the caller's approvals is requested or leaves
/// `pending` (approved, rejected, expired, cancelled) after the stream opened — what an inbox open
/// in several browsers needs to stay the same in each. It reads the pending approvals (at most
/// `ApprovalRoutes.maximumPage`) at each announcement of any instance's timeline (this daemon's,
/// or another's through `PostgresWakeListener`; at most every `minimumInterval`), and at least every
/// `TimelineRoutes.pollInterval`;
/// an approval that left the pending set is read once more for its new status. `: heartbeat`
/// comments as on timelines. Events carry no `id:`: a client that reconnects reads the list again.
enum ApprovalStream {
    /// The least time between two reads of the pending approvals.
    static let minimumInterval: Duration = .milliseconds(500)

    static func response<Store: FlowStore>(
        decisions: ApprovalDecisions<Store>, agency: String?, notifier: TimelineNotifier, heartbeat: Duration
    ) -> Response {
        let headers: HTTPFields = [
            .contentType: "text/event-stream", .cacheControl: "no-cache", HTTPField.Name("X-Accel-Buffering")!: "no",
        ]
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            // The opening comment tells the client the stream is live before any change.
            try await writer.write(ByteBuffer(string: ": approvals\n\n"))
            var pending = try await pendingIDs(decisions, agency: agency)
            var lastBeat = ContinuousClock.now
            var lastRead = ContinuousClock.now
            while !Task.isCancelled {
                let seen = notifier.anyVersion
                let untilBeat = heartbeat - (ContinuousClock.now - lastBeat)
                if untilBeat <= .zero {
                    try await writer.write(ByteBuffer(string: TimelineStream.heartbeatText))
                    lastBeat = ContinuousClock.now
                    continue
                }
                await notifier.waitForAny(after: seen, atMost: min(untilBeat, TimelineRoutes.pollInterval))
                // Announcements of any instance wake every inbox: read at most twice a second, so a
                // busy daemon's commits cost each open inbox one query per half second, not one each.
                let sinceRead = ContinuousClock.now - lastRead
                if sinceRead < minimumInterval { try await Task.sleep(for: minimumInterval - sinceRead) }
                lastRead = ContinuousClock.now
                let rows = try await decisions.list(agency: agency, status: .pending, limit: ApprovalRoutes.maximumPage)
                let now = Set(rows.map(\.id))
                var changed = rows.filter { !pending.contains($0.id) }
                for id in pending.subtracting(now).sorted() {
                    if let row = try await decisions.approval(id: id, agency: agency) { changed.append(row) }
                }
                pending = now
                guard !changed.isEmpty else { continue }
                let text = changed.map { TimelineStream.Event(id: nil, name: "approval", data: $0.json).text }.joined()
                try await writer.write(ByteBuffer(string: text))
            }
            try await writer.finish(nil)
        })
    }

    static func pendingIDs<Store: FlowStore>(
        _ decisions: ApprovalDecisions<Store>, agency: String?
    ) async throws -> Set<String> {
        Set(try await decisions.list(agency: agency, status: .pending, limit: ApprovalRoutes.maximumPage).map(\.id))
    }
}
