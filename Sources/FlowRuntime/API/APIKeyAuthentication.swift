public import Hummingbird

/// Requires `Authorization: Bearer <key>` on every route but the public ones (an event stream may
/// carry it as `?access_token=` instead, for `EventSource`), and sets the context's identity from the key.
///
/// Public (no key): `GET /health`, `GET /openapi.json`, the console's pages (`/console`, which
/// hold no data: they call the API with the key the user signs in with), the Twilio webhooks under
/// `/webhooks/twilio/` (they carry Twilio's signature instead), the signed approval links under
/// `/approvals/link/` (the signature is the authority), and CORS preflights (answered
/// by the CORS middleware before this one). Admin only: `/metrics`. A missing, malformed,
/// unknown or revoked key is 401 with the same message for each (the answer says nothing about
/// which keys exist); the key itself is never logged or echoed.
public struct APIKeyAuthentication<Context: AuthenticatedRequestContext, Store: APIKeyStore>: RouterMiddleware {
    public let store: Store

    public init(store: Store) {
        self.store = store
    }

    /// Paths anyone may call.
    static func isPublic(_ request: Request) -> Bool {
        let path = request.uri.path
        if path.hasPrefix("/webhooks/twilio/") { return true }
        // A signed approval link is its own authority (`ApprovalLinkRoutes`).
        if path.hasPrefix("/approvals/link/") { return true }
        return (request.method == .get || request.method == .head)
            && (path == "/health" || path == "/openapi.json" || ConsoleRoutes.isConsolePath(path))
    }

    /// The key of a browser `EventSource`, which cannot send headers: `?access_token=` (RFC 6750 §2.3),
    /// taken only on a `GET` that accepts `text/event-stream` and has no `Authorization` header. A URL
    /// may end up in a proxy's log: give such pages a key of their own, revocable on its own.
    static func eventStreamToken(_ request: Request) -> String? {
        guard request.method == .get, request.headers[.accept]?.contains("text/event-stream") == true,
              let token = request.uri.queryParameters.get("access_token"), !token.isEmpty
        else { return nil }
        return String(token)
    }

    /// Paths only an admin key may call.
    static func isAdminOnly(_ path: String) -> Bool { path == "/metrics" }

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if Self.isPublic(request) { return try await next(request, context) }
        let token: String
        if let header = request.headers[.authorization] {
            let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
            guard parts.count == 2, parts[0].lowercased() == "bearer" else {
                throw APIError.unauthenticated("the Authorization header must be 'Bearer <API key>'")
            }
            token = String(parts[1])
        } else if let query = Self.eventStreamToken(request) {
            token = query
        } else {
            throw APIError.unauthenticated("missing Authorization: Bearer <API key>")
        }
        guard let key = try await APIKeys.authenticate(token.trimmingWhitespace(), in: store) else {
            throw APIError.unauthenticated("the API key is not valid (unknown, malformed or revoked)")
        }
        if Self.isAdminOnly(request.uri.path), !key.admin {
            throw APIError.forbidden("\(request.uri.path) needs an admin key")
        }
        var context = context
        context.identity = APIIdentity(key)
        context.logger[metadataKey: "flow.key"] = "\(key.id)"
        return try await next(request, context)
    }
}

extension String {
    /// Without leading and trailing spaces and tabs.
    fileprivate func trimmingWhitespace() -> String {
        var text = Substring(self)
        while text.first == " " || text.first == "\t" { text.removeFirst() }
        while text.last == " " || text.last == "\t" { text.removeLast() }
        return String(text)
    }
}
