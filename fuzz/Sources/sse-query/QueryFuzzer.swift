import FlowEngine
@testable import FlowRuntime
import FuzzSupport
import Hummingbird
import PostgresNIO
@testable import Travel

/// Fuzzes the parsers of request heads: every input is a `Last-Event-ID` header (first line; none
/// when empty) and a request target (the rest: path and query). The request is read as the routes
/// read it: the SSE resume point (`Last-Event-ID`, else `?after=`), the page parameters (`limit`,
/// `cursor`: the opaque cursor must encode back to itself and its instant bind as the PostgreSQL
/// store binds it), `created_from`/`created_before`, `waiting_for`, the stats range (`from`/`to`),
/// the planning API's `timeout`, the documents' page, and the NUL-character check of every parameter.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRequestHead(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let (lastEventID, target) = FuzzInput(data, count).firstLineAndRest
    var head = HTTPRequest(method: .get, scheme: "http", authority: "localhost", path: target)
    if !lastEventID.isEmpty { head.headerFields[.init("Last-Event-ID")!] = lastEventID }
    let request = Request(head: head, body: RequestBody(buffer: ByteBuffer()))

    if let after = try? TimelineRoutes.after(request) { invariant(after >= 0, "a negative resume point") }
    _ = try? TimelineRoutes.limit(request)
    let query = request.uri.queryParameters
    for (name, value) in query {
        _ = name.contains(NULCharacter.character) || value.contains(NULCharacter.character)
    }
    if let text = query.get("cursor"), let cursor = PageCursor.decode(String(text)) {
        invariant(PageCursor.decode(PageCursor.encode(cursor)) == cursor, "a cursor does not encode back to itself")
        bind(cursor.createdAt)
    }
    for name in ["created_from", "created_before"] {
        if let instant = try? InstanceRoutes.instant(query.get(name).map { String($0) }, name) { bind(instant) }
    }
    if let text = query.get("waiting_for") { _ = WaitingForFilter(String(text)) }
    let from = query.get("from").flatMap { AgencyRoutes<SQLiteFlowStore>.instant(String($0)) }
    let to = query.get("to").flatMap { AgencyRoutes<SQLiteFlowStore>.instant(String($0)) }
    if let from, let to, from < to { _ = (to - from).milliseconds }
    _ = try? PlanningRoutes<InMemoryFlowStore, InMemoryTravelStore>.syncTimeout(request)
    if let (_, cursor) = try? DocumentRoutes<InMemoryTravelStore>.page(request), let cursor { bind(cursor.receivedAt) }
    return 0
}

/// Binds an instant as a `timestamptz` parameter, as the PostgreSQL store does with a parsed one.
func bind(_ instant: Instant) {
    var buffer = ByteBuffer()
    instant.postgres.encode(into: &buffer, context: .default)
}
