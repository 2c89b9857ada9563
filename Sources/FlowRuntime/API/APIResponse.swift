public import FlowEngine
public import Hummingbird
import Foundation
import NIOCore

/// JSON responses and bodies of the control-plane routes.
public enum APIResponse {
    /// `value` as a JSON response with `status`.
    public static func json(_ value: Value, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: value.jsonText)))
    }

    /// The request's JSON body (within the daemon's `RequestBodyLimit`); an empty body is `empty`.
    /// `what` names the body in the error when it is not JSON.
    /// - Throws: `APIError` 400 when not JSON (`RequestJSON`) or holding a NUL (`NULCharacter`).
    public static func body(
        of request: Request, empty: Value? = nil, what: String = "the request body"
    ) async throws -> Value {
        let buffer = try await request.collectedBody()
        if buffer.readableBytes == 0, let empty { return empty }
        let value = try RequestJSON.parse(buffer, what: what)
        if let location = NULCharacter.location(in: value) {
            throw APIError.badRequest(NULCharacter.bodyMessage(location))
        }
        return value
    }

    /// A cancel's body: nothing, or an object whose optional `reason` is text. 400 for another
    /// document, 422 for a `reason` that is not text or another field.
    public static func cancelReason(of request: Request) async throws -> String? {
        let body = try await self.body(of: request, empty: .object([:]))
        guard let members = body.objectValue else { throw APIError.badRequest("the body must be a JSON object {reason?}") }
        if let unknown = members.keys.sorted().first(where: { $0 != "reason" }) {
            throw APIError.unprocessable("unknown field '\(unknown)' (reason)")
        }
        guard let reason = body["reason"], !reason.isNull else { return nil }
        guard let text = reason.stringValue else { throw APIError.unprocessable("reason: must be text") }
        return text
    }

    /// A resume's body: nothing, or an object with an optional `action` (`retry`, the default, or
    /// `fail`) and an optional `note`. 400 for another document, 422 for a wrong value or another field.
    public static func resumeRequest(of request: Request) async throws -> (ResumeRequest.Action, String?) {
        let body = try await self.body(of: request, empty: .object([:]))
        guard let members = body.objectValue else { throw APIError.badRequest("the body must be a JSON object {action?, note?}") }
        if let unknown = members.keys.sorted().first(where: { $0 != "action" && $0 != "note" }) {
            throw APIError.unprocessable("unknown field '\(unknown)' (action, note)")
        }
        var action = ResumeRequest.Action.retry
        if let given = body["action"], !given.isNull {
            guard let text = given.stringValue, let named = ResumeRequest.Action(rawValue: text) else {
                throw APIError.unprocessable("action: must be 'retry' or 'fail'")
            }
            action = named
        }
        var note: String?
        if let given = body["note"], !given.isNull {
            guard let text = given.stringValue else { throw APIError.unprocessable("note: must be text") }
            note = text
        }
        return (action, note)
    }
}
