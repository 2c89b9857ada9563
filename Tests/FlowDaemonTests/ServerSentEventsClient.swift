import AsyncHTTPClient
import FlowEngine
import Foundation
import NIOCore

/// A Server-Sent Events client over a real connection, for the end-to-end tests: reads
/// `id:`/`event:`/`data:` blocks as they arrive and hangs up when told to (a client going away
/// mid-run), or when the server closes the stream.
struct ServerSentEventsClient {
    struct Event: Sendable, Hashable {
        var id: Int64?
        var name: String
        var data: String

        var json: Value? { try? JSONDecoder().decode(Value.self, from: Data(data.utf8)) }
    }

    struct Read: Sendable {
        var events: [Event]
        var status: Int
        /// Whether the server closed the stream (rather than the client hanging up).
        var closedByServer: Bool
    }

    let url: String
    let token: String

    /// Reads until `hangUp` says so after an event, the server closes, or `timeout` passes.
    func read(
        after lastEventID: Int64? = nil, timeout: Duration = .seconds(120),
        hangUp: @Sendable ([Event]) -> Bool = { _ in false }
    ) async throws -> Read {
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Accept", value: "text/event-stream")
        if let lastEventID { request.headers.add(name: "Last-Event-ID", value: String(lastEventID)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(Int64(timeout.components.seconds)))
        var events: [Event] = []
        var pending = ""
        for try await chunk in response.body {
            pending += String(buffer: chunk)
            while let blank = pending.range(of: "\n\n") {
                let block = String(pending[..<blank.lowerBound])
                pending.removeSubrange(..<blank.upperBound)
                if let event = Self.event(block) { events.append(event) }
            }
            if hangUp(events) { return Read(events: events, status: Int(response.status.code), closedByServer: false) }
        }
        return Read(events: events, status: Int(response.status.code), closedByServer: true)
    }

    /// One block's event; nil for a comment (a heartbeat).
    static func event(_ block: String) -> Event? {
        var id: Int64?
        var name = "message"
        var data: [String] = []
        for line in block.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix(":") { continue }
            let parts = line.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            let field = String(parts[0])
            var value = parts.count > 1 ? String(parts[1]) : ""
            if value.hasPrefix(" ") { value.removeFirst() }
            switch field {
            case "id": id = Int64(value)
            case "event": name = value
            case "data": data.append(value)
            default: continue
            }
        }
        guard id != nil || !data.isEmpty else { return nil }
        return Event(id: id, name: name, data: data.joined(separator: "\n"))
    }
}
