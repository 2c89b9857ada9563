public import FlowEngine
public import Hummingbird
import Steps

/// The signed approval links (`ApprovalLinks`), answered without an API key — the token's signature
/// is the authority, scoped to one approval and one approver:
/// - `GET /approvals/link/{token}` — 200 the decision page (HTML); 403 a tampered or foreign token;
///   410 an approval that was decided, expired or cancelled (or whose link expired);
/// - `POST /approvals/link/{token}` (a form: `decision=approve|reject`, `notes`) — 200 the page
///   saying what was recorded (decided by the link's approver, as through the API); 403, 410 as
///   above (a second use is 410: the approval is decided); 422 another form (the field named).
///
/// Every answer is a small HTML page, never cached, never sent as a referrer; the token is never
/// logged or shown.
public enum ApprovalLinkRoutes {
    public static func add<Context: RequestContext, Store: FlowStore>(
        to router: Router<Context>, links: ApprovalLinks, decisions: ApprovalDecisions<Store>,
        clock: @escaping @Sendable () -> Instant = InstanceWorker<Store>.wallClock
    ) {
        router.get("approvals/link/:token") { _, context -> Response in
            let now = clock()
            switch try await opened(try context.parameters.require("token"), links: links, decisions: decisions, at: now) {
            case .refused(let response): return response
            case .open(let claim, let row): return html(.ok, ApprovalLinkPage.form(row, approver: claim.approver, at: now))
            }
        }
        router.post("approvals/link/:token") { request, context -> Response in
            let now = clock()
            switch try await opened(try context.parameters.require("token"), links: links, decisions: decisions, at: now) {
            case .refused(let response): return response
            case .open(let claim, _): return try await decide(request, claim: claim, decisions: decisions, at: now)
            }
        }
    }

    /// The form's decision, as the link's approver.
    static func decide<Store: FlowStore>(
        _ request: Request, claim: ApprovalLinks.Claim, decisions: ApprovalDecisions<Store>, at now: Instant
    ) async throws -> Response {
        let buffer = try await request.collectedBody()
        guard let form = FormEncoding.decode(String(buffer: buffer)) else {
            return html(.unprocessableContent, ApprovalLinkPage.message(
                "Not understood", "The form could not be read: send decision=approve or decision=reject."))
        }
        if let unknown = form.first(where: { !["decision", "notes"].contains($0.0) }) {
            return html(.unprocessableContent, ApprovalLinkPage.message(
                "Not understood", "Unknown field '\(unknown.0)' (decision, notes)."))
        }
        guard let decision = form.last(where: { $0.0 == "decision" }).flatMap({ ApprovalDecision.Outcome(rawValue: $0.1) })
        else {
            return html(.unprocessableContent, ApprovalLinkPage.message(
                "Not understood", "decision: must be approve or reject."))
        }
        let notes = form.last { $0.0 == "notes" }?.1
        if let notes, notes.contains("\0") || notes.unicodeScalars.count > 2_000 {
            return html(.unprocessableContent, ApprovalLinkPage.message(
                "Not understood", "notes: must be text of at most 2000 characters."))
        }
        let result = try await decisions.decide(
            id: claim.approval, outcome: decision, by: claim.approver, identity: claim.approver,
            notes: notes.flatMap { $0.isEmpty ? nil : $0 }, values: nil, agency: nil, via: "link", at: now)
        switch result {
        case .decided(let row):
            let verb = row.status == .approved ? "Approved" : "Rejected"
            return html(.ok, ApprovalLinkPage.message(
                verb, "\(verb) as \(claim.approver). The flow continues; this link no longer works."))
        case .notFound:
            return html(.gone, ApprovalLinkPage.message("Gone", "This approval no longer exists."))
        case .conflict:
            return html(.gone, ApprovalLinkPage.message("Already closed", result.description + "."))
        case .notAnApprover:
            return html(.forbidden, ApprovalLinkPage.message("Not allowed", "This link's approver may not decide it."))
        case .invalidValues:
            return html(.unprocessableContent, ApprovalLinkPage.message("Not understood", result.description))
        }
    }

    enum Opened {
        case open(ApprovalLinks.Claim, ApprovalRecord)
        case refused(Response)
    }

    /// The claim and the pending approval it names, or the refusal: 403 for a token whose signature
    /// fails, 410 for an approval that is no longer pending or a link past its expiry.
    static func opened<Store: FlowStore>(
        _ token: String, links: ApprovalLinks, decisions: ApprovalDecisions<Store>, at now: Instant
    ) async throws -> Opened {
        guard let claim = links.verify(token) else {
            return .refused(html(.forbidden, ApprovalLinkPage.message(
                "Link not valid", "This approval link is not valid. Ask for a new one.")))
        }
        guard let row = try await decisions.approval(id: claim.approval, agency: nil) else {
            return .refused(html(.gone, ApprovalLinkPage.message("Gone", "This approval no longer exists.")))
        }
        if let expires = claim.expiresAt, expires <= now {
            return .refused(html(.gone, ApprovalLinkPage.message("Expired", "This approval expired at \(expires.iso8601).")))
        }
        guard row.isOpen(at: now) else {
            let text: String
            switch row.status {
            case .approved, .rejected:
                text = "This approval was already \(row.status.rawValue)"
                    + (row.decidedBy.map { " by \($0)" } ?? "") + (row.decidedAt.map { " at \($0.iso8601)" } ?? "") + "."
            case .pending, .expired:
                text = "This approval expired" + (row.expiresAt.map { " at \($0.iso8601)" } ?? "") + "."
            case .cancelled:
                text = "This approval was cancelled: the flow no longer waits for it."
            }
            return .refused(html(.gone, ApprovalLinkPage.message("Already closed", text)))
        }
        return .open(claim, row)
    }

    static func html(_ status: HTTPResponse.Status, _ page: String) -> Response {
        Response(
            status: status,
            headers: [
                .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
                .init("Referrer-Policy")!: "no-referrer", .init("X-Frame-Options")!: "DENY",
                .init("Content-Security-Policy")!: "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
            ],
            body: .init(byteBuffer: ByteBuffer(string: page)))
    }
}
