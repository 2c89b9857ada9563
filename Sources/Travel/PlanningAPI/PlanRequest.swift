public import FlowEngine
public import FlowRuntime

/// The body of `POST /v1/plan` and `/v1/plan/sync` (the original's `PlanRequest`), checked and
/// turned into the `trip-planning` input: `user_id` (1–200 characters), `query` (1–2000 characters,
/// not only spaces), `constraints` (an object, default `{}`; `budget_usd` > 0 when given; its fields
/// typed as the flow declares them), and the flow's optional `trip_id` and `whatsapp`. `session_id`
/// is accepted and ignored, as the original did; other fields are ignored too. Every problem is a
/// 422 naming the field and why.
public enum PlanRequest {
    public static let maximumQuery = 2_000
    public static let maximumUserID = 200

    /// The flow's input for `body`, typed by `declaredBy` (the flow's `input`).
    /// - Throws: `APIError` 422 with the first problem, 400 when the body is not an object.
    public static func input(_ body: Value, declaredBy fields: [InputField]) throws -> Value {
        guard case .object(let members) = body else {
            throw APIError.badRequest("the body must be a JSON object {user_id, query, constraints}")
        }
        guard let user = members["user_id"], !user.isNull else { throw invalid("user_id: required") }
        guard let userID = user.stringValue, (1...maximumUserID).contains(userID.unicodeScalars.count) else {
            throw invalid("user_id: must be text of 1 to \(maximumUserID) characters")
        }
        guard let query = members["query"], !query.isNull else { throw invalid("query: required") }
        guard let text = query.stringValue else { throw invalid("query: must be text") }
        guard !text.allSatisfy(\.isWhitespace), text.unicodeScalars.count <= maximumQuery else {
            throw invalid("query: must have 1 to \(maximumQuery) characters (not only spaces), got \(text.unicodeScalars.count)")
        }
        let constraints = members["constraints"] ?? .object([:])
        guard constraints.isNull || constraints.objectValue != nil else {
            throw invalid("constraints: must be an object")
        }
        if let budget = constraints["budget_usd"], !budget.isNull {
            guard let amount = budget.numberValue, amount > 0 else {
                throw invalid("constraints.budget_usd: must be a number greater than 0")
            }
        }
        var input: [String: Value] = [
            "user_id": .string(userID), "query": .string(text),
            "constraints": constraints.isNull ? .object([:]) : constraints,
        ]
        for optional in ["trip_id", "whatsapp"] {
            if let value = members[optional], !value.isNull { input[optional] = value }
        }
        return try typed(.object(input), declaredBy: fields)
    }

    /// `input` typed by the flow's declared `fields`; a problem is a 422 at the body's own path
    /// (`constraints.party.adults must be integer, not 'two'`, without `input.`). Shared with `SuggestRequest`.
    static func typed(_ input: Value, declaredBy fields: [InputField]) throws -> Value {
        do {
            return try InputCheck.typed(LocatedDocument(input), declaredBy: fields)
        } catch {
            var message = error.message
            if message.hasPrefix("input.") { message.removeFirst("input.".count) }
            throw invalid(message)
        }
    }

    static func invalid(_ message: String) -> APIError { APIError.unprocessable(message) }
}
