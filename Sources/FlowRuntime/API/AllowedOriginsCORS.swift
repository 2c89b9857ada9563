import HTTPTypes
public import Hummingbird
import NIOCore

/// CORS for the configured origins only (`FLOW_CORS_ORIGINS`), through Hummingbird's
/// `CORSMiddleware`: a request whose `Origin` is listed gets the CORS headers (and a preflight
/// `OPTIONS` its 204); any other request passes on without them. `*` allows every origin.
public struct AllowedOriginsCORS<Context: RequestContext>: RouterMiddleware {
    public let origins: Set<String>
    let cors: CORSMiddleware<Context>

    public init(origins: [String]) {
        self.origins = Set(origins)
        self.cors = CORSMiddleware(
            allowOrigin: .originBased,
            allowHeaders: [
                .accept, .authorization, .contentType, .origin, .ifMatch, HTTPField.Name("Idempotency-Key")!,
                HTTPField.Name("Last-Event-ID")!,
            ],
            allowMethods: [.get, .post, .put, .delete, .head, .options],
            exposedHeaders: ["ETag", "Location"],
            maxAge: .seconds(600))
    }

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let origin = request.headers[.origin], origins.contains("*") || origins.contains(origin) else {
            return try await next(request, context)
        }
        return try await cors.handle(request, context: context, next: next)
    }
}
