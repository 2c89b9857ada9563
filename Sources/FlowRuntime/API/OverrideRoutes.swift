public import FlowEngine
import Foundation
public import Hummingbird
import NIOCore

/// Agencies' overrides, changed without a deploy (over `AgencyOverridesBook`):
/// - `GET /agencies/{agency}/overrides` — the document in effect (stored revision, else the
///   deploy's file, else none) and the settings each flow's next instance starts with; `ETag`
///   is the revision;
/// - `PUT /agencies/{agency}/overrides` — the body is the new YAML document (at most 64 KiB),
///   checked as `flowctl validate` checks `workflows/agencies/*.yaml`: 422 with every diagnostic
///   (file, line, column, code, message) and nothing stored when it has errors; `If-Match` with
///   the revision last read makes a concurrent change a 412; 200 with the new state otherwise
///   (`changed: false` when the document is already in effect). Recorded with the key's name;
/// - `POST /agencies/{agency}/overrides/check` — the same checks on a document, storing nothing:
///   200 `{valid: true, diagnostics}` (its warnings) or PUT's 422 with every diagnostic (the console
///   shows them at their lines while editing);
/// - `GET /agencies/{agency}/overrides/history` — every change, newest first, who and when and
///   the settings it changed.
/// An agency key reaches its own agency only (another's answers 404); admin keys reach every one.
public enum OverrideRoutes {
    public static func add<Context: AuthenticatedRequestContext, Store: FlowStore>(
        to router: Router<Context>, book: AgencyOverridesBook<Store>,
        clock: @escaping @Sendable () -> Instant = InstanceWorker<Store>.wallClock
    ) {
        router.get("agencies/:agency/overrides") { _, context -> Response in
            let agency = try visibleAgency(context)
            let view = try await book.current(agency: agency)
            return APIResponse.json(view.json, headers: [.eTag: etag(view.revision)])
        }
        router.put("agencies/:agency/overrides") { request, context -> Response in
            let agency = try visibleAgency(context)
            let identity = try context.requireIdentity()
            let document = try await text(of: request)
            let expecting = try request.headers[.ifMatch].flatMap(revision(ifMatch:))
            let outcome = try await book.change(
                agency: agency, document: document, by: identity.keyName, expecting: expecting, at: clock())
            switch outcome {
            case .invalid(let diagnostics, let source):
                return invalid(diagnostics, source: source)
            case .stale(let current):
                throw APIError(
                    .preconditionFailed, code: "stale",
                    message: "If-Match names revision \(expecting ?? 0) but revision \(current) is current; read it again")
            case .unchanged(let view):
                return changed(view, changed: false, warnings: [])
            case .changed(let view, let warnings):
                return changed(view, changed: true, warnings: warnings)
            }
        }
        router.post("agencies/:agency/overrides/check") { request, context -> Response in
            let agency = try visibleAgency(context)
            let document = try await text(of: request)
            let checked = book.check(agency: agency, document: document)
            // A document PUT would refuse is refused the same way (422 with every diagnostic).
            guard checked.valid, !checked.diagnostics.hasErrors else {
                return invalid(checked.diagnostics, source: checked.source)
            }
            return APIResponse.json([
                "valid": .bool(checked.valid && !checked.diagnostics.hasErrors),
                "diagnostics": .array(checked.diagnostics.map(\.json)),
            ])
        }
        router.get("agencies/:agency/overrides/history") { _, context -> Response in
            let agency = try visibleAgency(context)
            let entries = try await book.history(agency: agency)
            return APIResponse.json(["agency": .string(agency), "revisions": .array(entries.map(\.json))])
        }
    }

    /// The path's agency when the caller's key may reach it; 404 otherwise (ids leak nothing).
    static func visibleAgency<Context: AuthenticatedRequestContext>(_ context: Context) throws -> String {
        let identity = try context.requireIdentity()
        let agency = try context.parameters.require("agency")
        guard identity.canSee(agency: agency) else { throw APIError.notFound("no such agency") }
        return agency
    }

    /// The request body as UTF-8 text; a document over `AgencyOverridesBook.documentLimit` bytes is
    /// 413, as a body over the daemon's `RequestBodyLimit` is.
    static func text(of request: Request) async throws -> String {
        let limit = AgencyOverridesBook<InMemoryFlowStore>.documentLimit
        let buffer = try await request.collectedBody()
        guard buffer.readableBytes <= limit else { throw APIError.tooLarge(limit) }
        guard let text = String(validating: Array(buffer.readableBytesView), as: UTF8.self) else {
            throw APIError.badRequest("the body must be a YAML document in UTF-8")
        }
        return text
    }

    /// The revision an `If-Match` names: `"3"`, `W/"3"` or `3`; `*` names whatever is current (nil).
    static func revision(ifMatch header: String) throws -> Int? {
        var value = header.trimmingCharacters(in: .whitespaces)
        if value == "*" { return nil }
        if value.hasPrefix("W/") { value.removeFirst(2) }
        value = value.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        guard let revision = Int(value), revision >= 0 else {
            throw APIError.badRequest("If-Match must be the revision an earlier GET answered in its ETag")
        }
        return revision
    }

    static func etag(_ revision: Int) -> String { "\"\(revision)\"" }

    static func changed(_ view: AgencyOverridesView, changed: Bool, warnings: [Diagnostic]) -> Response {
        guard case .object(var body) = view.json else { return APIResponse.json(view.json) }
        body["changed"] = .bool(changed)
        body["warnings"] = .array(warnings.map(\.json))
        return APIResponse.json(.object(body), headers: [.eTag: etag(view.revision)])
    }

    /// 422 `{error: {code: "invalid_document", message, diagnostics: [...]}}`; the message is the
    /// first error as `path:line:col: error[CODE]: …`.
    static func invalid(_ diagnostics: [Diagnostic], source: SourceFile) -> Response {
        let errors = diagnostics.filter { $0.severity == .error }
        let first = errors.first.map(\.description) ?? "the document is not an agency overrides document"
        let count = errors.count == 1 ? "1 error" : "\(errors.count) errors"
        let body: Value = ["error": [
            "code": "invalid_document", "message": .string("\(count); nothing was changed. \(first)"),
            "diagnostics": .array(diagnostics.map(\.json)),
        ]]
        return APIResponse.json(body, status: .unprocessableContent)
    }
}
