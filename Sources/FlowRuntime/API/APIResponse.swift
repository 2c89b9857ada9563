public import FlowEngine
public import Hummingbird
import Foundation
import NIOCore

/// JSON responses and bodies of the control-plane routes.
public enum APIResponse {
    /// The largest request body the API reads (1 MiB); a larger one is 413.
    public static let bodyLimit = 1024 * 1024

    /// `value` as a JSON response with `status`.
    public static func json(_ value: Value, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: value.jsonText)))
    }

    /// The request's JSON body (at most `bodyLimit` bytes); an empty body is `empty`. `what` names
    /// the body in the error when it is not JSON.
    /// - Throws: `APIError` 413 when too large, 400 when not JSON or holding a NUL (`NULCharacter`).
    public static func body(
        of request: Request, empty: Value? = nil, what: String = "the request body"
    ) async throws -> Value {
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: bodyLimit)
        } catch is NIOTooManyBytesError {
            throw APIError.tooLarge(bodyLimit)
        }
        if buffer.readableBytes == 0, let empty { return empty }
        let value: Value
        do {
            value = try JSONDecoder().decode(Value.self, from: Data(buffer: buffer))
        } catch {
            throw APIError.badRequest("\(what) must be a JSON document")
        }
        if let location = NULCharacter.location(in: value) {
            throw APIError.badRequest(NULCharacter.bodyMessage(location))
        }
        return value
    }

    /// A cancel's body: nothing, or an object whose optional `reason` is text. 400 for another
    /// document, 422 for a `reason` that is not text.
    public static func cancelReason(of request: Request) async throws -> String? {
        let body = try await self.body(of: request, empty: .object([:]))
        guard body.objectValue != nil else { throw APIError.badRequest("the body must be a JSON object {reason?}") }
        guard let reason = body["reason"], !reason.isNull else { return nil }
        guard let text = reason.stringValue else { throw APIError.unprocessable("reason: must be text") }
        return text
    }
}
