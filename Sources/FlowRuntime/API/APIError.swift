public import FlowEngine
public import Hummingbird

/// An API failure as the daemon answers it: a status and `{"error": {"code": …, "message": …}}`.
///
/// Messages never contain a key, a secret or connection details.
public struct APIError: Error, HTTPResponseError, Sendable, Hashable, CustomStringConvertible {
    public var status: HTTPResponse.Status
    /// A stable, machine-readable code (`unauthenticated`, `not_found`, `conflict`, …).
    public var code: String
    public var message: String
    /// Seconds until a refused request may be tried again (`Retry-After`; 429 `rate_limited`).
    public var retryAfter: Int?

    public init(_ status: HTTPResponse.Status, code: String, message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    public var description: String { "\(status.code) \(code): \(message)" }

    /// The JSON body.
    public var body: Value { ["error": ["code": .string(code), "message": .string(message)]] }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        if status == .unauthorized { headers[.wwwAuthenticate] = "Bearer" }
        if let retryAfter { headers[.retryAfter] = "\(retryAfter)" }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body.jsonText)))
    }

    public static func unauthenticated(_ message: String) -> APIError {
        APIError(.unauthorized, code: "unauthenticated", message: message)
    }
    public static func forbidden(_ message: String) -> APIError {
        APIError(.forbidden, code: "forbidden", message: message)
    }
    public static func notFound(_ message: String) -> APIError {
        APIError(.notFound, code: "not_found", message: message)
    }
    public static func badRequest(_ message: String) -> APIError {
        APIError(.badRequest, code: "bad_request", message: message)
    }
    public static func conflict(_ message: String) -> APIError {
        APIError(.conflict, code: "conflict", message: message)
    }
    public static func unprocessable(_ message: String) -> APIError {
        APIError(.unprocessableContent, code: "unprocessable", message: message)
    }
    public static func tooLarge(_ limit: Int) -> APIError {
        APIError(.contentTooLarge, code: "too_large", message: "the request body is larger than \(limit) bytes")
    }

    /// The code a plain status gets when a route or Hummingbird throws an `HTTPError`.
    static func code(for status: HTTPResponse.Status) -> String {
        switch status {
        case .badRequest: "bad_request"
        case .unauthorized: "unauthenticated"
        case .forbidden: "forbidden"
        case .notFound: "not_found"
        case .methodNotAllowed: "method_not_allowed"
        case .conflict: "conflict"
        case .contentTooLarge: "too_large"
        case .unprocessableContent: "unprocessable"
        case .tooManyRequests: "rate_limited"
        case .serviceUnavailable: "unavailable"
        default: status.code >= 500 ? "internal" : "error"
        }
    }
}

/// Answers every error in the API's JSON shape: `APIError` as it is, Hummingbird's `HTTPError`
/// (unknown routes, routes' own errors) and a too-large body (413) translated, anything else
/// 500 with no detail (the error is logged).
public struct APIErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            throw error
        } catch let error as HTTPError {
            let message = error.body ?? error.status.reasonPhrase
            throw APIError(error.status, code: APIError.code(for: error.status), message: message)
        } catch let error as any HTTPResponseError {
            throw APIError(error.status, code: APIError.code(for: error.status), message: error.status.reasonPhrase)
        } catch {
            context.logger.error("request failed", metadata: ["flow.error": "\(error)"])
            throw APIError(.internalServerError, code: "internal", message: "internal error")
        }
    }
}
