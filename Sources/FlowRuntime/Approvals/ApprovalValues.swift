public import FlowEngine

/// What `values` a decision may give: the approval language declares no separate schema for them,
/// so a decider may only amend what the request declares (`ApprovalState.requestKeys`: `amount`,
/// `currency`, `items`, `version`, `details`, …), each with the type the request gave it — e.g.
/// approve a `budget_override` with `{amount: 4200}`. Unknown keys and mistyped values are refused,
/// naming the field.
public enum ApprovalValues {
    /// The problems of `values` against `request` (the request as recorded); empty when they fit.
    public static func problems(_ values: Value?, request: Value) -> [ApprovalValueProblem] {
        guard let values, values != .null else { return [] }
        guard let given = values.objectValue else {
            return [ApprovalValueProblem(field: "values", message: "must be an object, not \(values.typeName)")]
        }
        let declared = request.objectValue ?? [:]
        let allowed = declared.keys.sorted().joined(separator: ", ")
        return given.keys.sorted().compactMap { key -> ApprovalValueProblem? in
            let field = "values.\(key)"
            guard let expected = declared[key] else {
                return ApprovalValueProblem(
                    field: field,
                    message: "this approval declares no '\(key)'"
                        + (allowed.isEmpty ? "" : " (it declares \(allowed))"))
            }
            guard let value = given[key], !fits(value, expected) else { return nil }
            return ApprovalValueProblem(
                field: field, message: "must be \(expected.typeName) like the request's, not \(value.typeName)")
        }
    }

    /// Same JSON type as the declared value; a null declared value takes anything, and an instant or
    /// duration (read back from the store as text) takes text.
    static func fits(_ value: Value, _ expected: Value) -> Bool {
        switch (expected, value) {
        case (.null, _): true
        case (.instant, .string), (.duration, .string), (.string, .instant), (.string, .duration): true
        default: expected.typeName == value.typeName
        }
    }
}
