public import FlowEngine
public import Hummingbird

/// The NUL character (U+0000) in API input: PostgreSQL's text and JSON cannot hold it, so a request
/// carrying it would fail in the store (500) on PostgreSQL and be stored on SQLite. The API refuses it
/// on every backend, saying where it is: in a query parameter (`NULCharacterRejection`, 400) or at a
/// field of a JSON body (the body readers). Path parameters reach the routes still percent-encoded.
public enum NULCharacter {
    static let character: Character = "\u{0}"

    /// Where `value` holds a NUL, in a string or an object's key, as a path (`input.items[2].name`;
    /// `""` for the value itself); nil when it holds none.
    public static func location(in value: Value, at path: String = "") -> String? {
        switch value {
        case .string(let text):
            return text.contains(character) ? path : nil
        case .array(let items):
            for (index, item) in items.enumerated() {
                if let found = location(in: item, at: "\(path)[\(index)]") { return found }
            }
            return nil
        case .object(let members):
            for key in members.keys.sorted() {
                let member = path.isEmpty ? key : "\(path).\(key)"
                if key.contains(character) { return member }
                if let found = location(in: members[key]!, at: member) { return found }
            }
            return nil
        case .null, .bool, .number, .instant, .duration:
            return nil
        }
    }

    /// The message for a body holding a NUL at `location` (`location(in:)`).
    public static func bodyMessage(_ location: String) -> String {
        let place = location.isEmpty ? "the body" : "the body's '\(location)'"
        return "\(place) contains the NUL character (U+0000), which the API does not accept"
    }
}

/// Refuses with 400 `bad_request` a request whose query has the NUL character (`%00`) in a
/// parameter, naming it (see `NULCharacter`).
public struct NULCharacterRejection<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        for (name, value) in request.uri.queryParameters
        where name.contains(NULCharacter.character) || value.contains(NULCharacter.character) {
            let parameter = name.contains(NULCharacter.character)
                ? "a query parameter's name" : "query parameter '\(name)'"
            throw APIError.badRequest("\(parameter) contains the NUL character (U+0000), which the API does not accept")
        }
        return try await next(request, context)
    }
}
