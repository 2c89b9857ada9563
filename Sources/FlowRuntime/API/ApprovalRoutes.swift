public import FlowEngine
import Foundation
public import Hummingbird

/// Who calls an approval route: the agency whose approvals it may see and decide (nil: an admin,
/// every agency) and the name its decisions are recorded under (the API key's name).
public struct ApprovalCaller: Sendable, Hashable {
    public var agency: String?
    public var name: String?

    public init(agency: String?, name: String?) {
        self.agency = agency
        self.name = name
    }
}

/// The approvals people answer, over `ApprovalDecisions`:
/// - `GET /approvals?status=pending|approved|rejected|expired|cancelled|all&after=ID&limit=N` — the
///   caller's agency's approvals (pending by default), oldest first, `next_after` for the next page;
///   422 for an unknown status or a limit outside 1…1000; with `Accept: text/event-stream`, the
///   changes of the caller's approvals as they happen (`ApprovalStream`);
/// - `GET /approvals/{id}` — one, as declared (kind, summary, amount, items, details, version),
///   with approvers and expiry;
/// - `POST /approvals/{id}/decision` `{"decision": "approve"|"reject", "notes"?, "values"?}` —
///   200 with the decided approval; 404 unknown or another agency's; 409 already decided, expired
///   or cancelled; 422 a malformed body or `values` that do not fit the request (the field named);
///   403 when approvers are declared and the caller is not among them. The decision, who made it
///   (the caller's name) and when are persisted and reach the instance's timeline.
public enum ApprovalRoutes {
    /// The most approvals one page of `GET /approvals` carries.
    public static var maximumPage: Int { 1_000 }

    public static func add<Context: RequestContext, Store: FlowStore>(
        to router: Router<Context>, decisions: ApprovalDecisions<Store>,
        clock: @escaping @Sendable () -> Instant = InstanceWorker<Store>.wallClock,
        notifier: TimelineNotifier? = nil, heartbeat: Duration = .seconds(15),
        caller: @escaping @Sendable (Context) -> ApprovalCaller
    ) {
        router.get("approvals") { request, context -> Response in
            if let notifier, request.headers[.accept]?.contains("text/event-stream") == true {
                return ApprovalStream.response(
                    decisions: decisions, agency: caller(context).agency, notifier: notifier, heartbeat: heartbeat)
            }
            let query = request.uri.queryParameters
            let statusText = query.get("status").map { String($0) } ?? "pending"
            let status: ApprovalRecord.Status?
            if statusText == "all" {
                status = nil
            } else {
                guard let known = ApprovalRecord.Status(rawValue: statusText) else {
                    throw HTTPError(.unprocessableContent, message: "status: '\(statusText)' is not an approval status")
                }
                status = known
            }
            var limit = 100
            if let text = query.get("limit") {
                guard let value = Int(text), (1...maximumPage).contains(value) else {
                    throw HTTPError(.unprocessableContent, message: "limit: must be a number from 1 to \(maximumPage)")
                }
                limit = value
            }
            let rows = try await decisions.list(
                agency: caller(context).agency, status: status, after: query.get("after").map { String($0) },
                limit: limit)
            let body: Value = [
                "approvals": .array(rows.map(\.json)),
                "next_after": rows.count == limit ? rows.last.map { .string($0.id) } ?? .null : .null,
            ]
            return json(body)
        }
        router.get("approvals/:id") { _, context -> Response in
            let id = try context.parameters.require("id")
            guard let row = try await decisions.approval(id: id, agency: caller(context).agency) else {
                throw HTTPError(.notFound, message: "no such approval")
            }
            return json(row.json)
        }
        router.post("approvals/:id/decision") { request, context -> Response in
            let id = try context.parameters.require("id")
            let body: Value
            do {
                body = try RequestJSON.parse(try await request.collectedBody())
            } catch let error as APIError {
                throw HTTPError(.unprocessableContent, message: error.message)
            }
            guard case .object(let fields) = body else {
                throw HTTPError(
                    .unprocessableContent, message: "the body must be a JSON object {decision, notes?, values?}")
            }
            guard let outcome = fields["decision"]?.stringValue.flatMap(ApprovalDecision.Outcome.init(rawValue:)) else {
                throw HTTPError(.unprocessableContent, message: "decision: must be \"approve\" or \"reject\"")
            }
            let unknown = Set(fields.keys).subtracting(["decision", "notes", "values"]).sorted()
            guard unknown.isEmpty else {
                throw HTTPError(
                    .unprocessableContent, message: "unknown field '\(unknown[0])' (decision, notes, values)")
            }
            if let notes = fields["notes"], notes != .null, notes.stringValue == nil {
                throw HTTPError(.unprocessableContent, message: "notes: must be text")
            }
            if let location = NULCharacter.location(in: body) {
                throw HTTPError(.unprocessableContent, message: NULCharacter.bodyMessage(location))
            }
            let who = caller(context)
            let result = try await decisions.decide(
                id: id, outcome: outcome, by: who.name, identity: who.name, notes: fields["notes"]?.stringValue,
                values: fields["values"], agency: who.agency, at: clock())
            switch result {
            case .decided(let row): return json(row.json)
            case .notFound: throw HTTPError(.notFound, message: "no such approval")
            case .conflict: throw HTTPError(.conflict, message: result.description)
            case .invalidValues: throw HTTPError(.unprocessableContent, message: result.description)
            case .notAnApprover: throw HTTPError(.forbidden, message: result.description)
            }
        }
    }

    static func json(_ value: Value) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"],
                 body: .init(byteBuffer: ByteBuffer(string: value.jsonText)))
    }
}
