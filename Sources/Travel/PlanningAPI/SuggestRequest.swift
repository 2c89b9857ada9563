public import FlowEngine
public import FlowRuntime

/// The body of `POST /v1/suggest` (the original's `SuggestRequest`), checked and turned into the
/// `trip-suggestion` input: `user_id` (1–200 characters), `trigger_type` (1–64 characters:
/// `price_drop`, `calendar_gap`, `budget_surplus` or the product's own), `context` (an object: what
/// the trigger found), optional `constraints` (an object). Every problem is a 422 naming the field.
public enum SuggestRequest {
    public static let maximumTriggerType = 64

    /// The flow's input for `body`, typed by `declaredBy` (the flow's `input`).
    public static func input(_ body: Value, declaredBy fields: [InputField]) throws -> Value {
        guard case .object(let members) = body else {
            throw APIError.badRequest("the body must be a JSON object {user_id, trigger_type, context}")
        }
        guard let userID = members["user_id"]?.stringValue, (1...PlanRequest.maximumUserID).contains(userID.unicodeScalars.count) else {
            throw APIError.unprocessable("user_id: required, text of 1 to \(PlanRequest.maximumUserID) characters")
        }
        guard let trigger = members["trigger_type"]?.stringValue, (1...maximumTriggerType).contains(trigger.unicodeScalars.count),
              trigger.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == ".") })
        else {
            throw APIError.unprocessable(
                "trigger_type: required, 1 to \(maximumTriggerType) letters, digits, '_', '-' or '.' "
                    + "(price_drop, calendar_gap, budget_surplus or the product's own)")
        }
        guard let context = members["context"], context.objectValue != nil else {
            throw APIError.unprocessable("context: required, an object with what the trigger found")
        }
        var input: [String: Value] = ["user_id": .string(userID), "trigger_type": .string(trigger), "context": context]
        if let constraints = members["constraints"], !constraints.isNull {
            guard constraints.objectValue != nil else { throw APIError.unprocessable("constraints: must be an object") }
            input["constraints"] = constraints
        }
        return try PlanRequest.typed(.object(input), declaredBy: fields)
    }
}
