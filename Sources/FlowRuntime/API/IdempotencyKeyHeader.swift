import HTTPTypes
public import Hummingbird

/// The `Idempotency-Key` header of `POST /instances`, `POST /events/{name}` and
/// `POST /instances/{id}/events/{name}`: absent, or 1 to `maximumLength` characters.
public enum IdempotencyKeyHeader {
    static let name = HTTPField.Name("Idempotency-Key")!
    /// The longest key accepted.
    public static let maximumLength = 200

    /// The request's key; nil when it sends none.
    /// - Throws: `APIError` 400 when the header is empty or longer than `maximumLength`.
    public static func value(of request: Request) throws -> String? {
        guard let given = request.headers[name] else { return nil }
        guard !given.isEmpty, given.unicodeScalars.count <= maximumLength else {
            throw APIError.badRequest("Idempotency-Key must be 1 to \(maximumLength) characters")
        }
        return given
    }
}
