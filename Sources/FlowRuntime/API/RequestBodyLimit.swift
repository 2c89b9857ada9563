public import Hummingbird
import NIOCore

/// The one limit on request bodies, for every route: the API's, the console's, the approval links'
/// and the Twilio webhooks'. A body larger than `bytes` is 413 `too_large` in the API's error shape;
/// a `Content-Length` over it is refused before a byte is read, a chunked body as soon as it passes
/// it. The body is collected here, once, so a route reads one that is known to fit
/// (`Request.collectedBody()`) and no route has a limit of its own.
///
/// `FLOW_MAX_BODY_BYTES` configures it (`DaemonConfiguration.maxBodyBytes`, 1 MiB by default).
public struct RequestBodyLimit<Context: RequestContext>: RouterMiddleware {
    /// 1 MiB.
    public static var defaultBytes: Int { 1024 * 1024 }

    /// The largest body accepted, in bytes.
    public let bytes: Int

    public init(bytes: Int = 1024 * 1024) {
        self.bytes = bytes
    }

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > bytes {
            throw APIError.tooLarge(bytes)
        }
        var request = request
        do {
            _ = try await request.collectBody(upTo: bytes)
        } catch is NIOTooManyBytesError {
            throw APIError.tooLarge(bytes)
        }
        return try await next(request, context)
    }
}

extension Request {
    /// The body as `RequestBodyLimit` collected it: within the daemon's limit. (A route mounted on a
    /// router without the middleware, as some tests do, reads it whole.)
    public func collectedBody() async throws -> ByteBuffer {
        var request = self
        return try await request.collectBody(upTo: .max)
    }
}
