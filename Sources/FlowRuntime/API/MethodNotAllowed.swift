import FlowEngine
import Foundation
public import Hummingbird

/// Answers **405** `method_not_allowed` with an `Allow` header when a request's path is one the
/// OpenAPI document describes but its method is not among the path's (`TRACE /flows`,
/// `DELETE /instances/{id}`), where Hummingbird's router answers 404 as for a path that does not
/// exist. Only the router's own not-found is translated: a route's 404 (`no such instance`) stays.
public struct MethodNotAllowed<Context: RequestContext>: RouterMiddleware {
    /// A documented path, split into segments (`{name}` matches any one segment), and its methods.
    struct Route: Sendable {
        var segments: [Substring]
        var methods: [HTTPRequest.Method]
    }

    let routes: [Route]

    /// `methods` by path template as the document writes them (`/instances/{id}`).
    public init(methods: [String: [HTTPRequest.Method]]) {
        self.routes = methods.map { Route(segments: $0.key.split(separator: "/"), methods: $0.value) }
    }

    /// The methods of every path in `OpenAPIRoutes`' document (none when it cannot be read).
    public init() {
        self.init(methods: Self.documentedMethods((try? OpenAPIRoutes.documentJSON()) ?? "{}"))
    }

    /// The methods each path of an OpenAPI document (JSON) lists, in the document's method order.
    static func documentedMethods(_ json: String) -> [String: [HTTPRequest.Method]] {
        let document = try? JSONDecoder().decode(Value.self, from: Data(json.utf8))
        let known: [HTTPRequest.Method] = [.get, .put, .post, .delete, .options, .head, .patch, .trace]
        var methods: [String: [HTTPRequest.Method]] = [:]
        for (path, item) in document?["paths"]?.objectValue ?? [:] {
            let operations = Set(item.objectValue?.keys.map { $0.uppercased() } ?? [])
            methods[path] = known.filter { operations.contains($0.rawValue) }
        }
        return methods
    }

    /// The methods of the documented path `path` matches (the one with the most literal segments,
    /// as the router prefers them); nil when it matches none.
    func allowed(_ path: String) -> [HTTPRequest.Method]? {
        let segments = path.split(separator: "/")
        func isParameter(_ segment: Substring) -> Bool { segment.hasPrefix("{") && segment.hasSuffix("}") }
        let matching = routes.filter { route in
            route.segments.count == segments.count
                && zip(route.segments, segments).allSatisfy { template, given in
                    isParameter(template) || template == given
                }
        }
        return matching.max { $0.segments.filter(isParameter).count > $1.segments.filter(isParameter).count }?.methods
    }

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound && error.body == nil {
            guard let allowed = allowed(request.uri.path), !allowed.isEmpty, !allowed.contains(request.method) else {
                throw error
            }
            let allow = allowed.map(\.rawValue).joined(separator: ", ")
            let refusal = APIError(
                .methodNotAllowed, code: "method_not_allowed",
                message: "\(Self.redacted(request.uri.path)) does not answer \(request.method.rawValue) (it answers \(allow))")
            var response = try refusal.response(from: request, context: context)
            response.headers[.allow] = allow
            return response
        }
    }

    /// A path as messages may show it: an approval link's token (a credential) is replaced.
    static func redacted(_ path: String) -> String {
        path.hasPrefix("/approvals/link/") ? "/approvals/link/{token}" : path
    }
}
