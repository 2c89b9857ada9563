extension StepSignature {
    /// A user's preferences and recent feedback (implemented by the travel product over
    /// `user_preferences` and `plan_feedback`).
    public static let planningProfile = StepSignature(
        name: "planning.profile",
        summary: "A user's preferences and what their recent feedback asks for: {preferences, feedback}",
        parameters: [
            .init("user_id", .string, "the user, inside the instance's agency"),
            .init("feedback_limit", .integer, required: false, "how many of the latest feedbacks are read (default 5, at most 20)"),
        ],
        result: .object,
        sideEffects: false,
        errors: [.transient, .permanent]
    )
}
