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

    /// Claims a suggestion of a trigger to a user against its cool-down (implemented by the travel
    /// product over `suggestion_cooldowns`).
    public static let planningCooldown = StepSignature(
        name: "planning.cooldown",
        summary: "Claim a suggestion of a trigger to a user unless one was made within the cool-down: {granted, last_at, next_allowed_at}",
        parameters: [
            .init("user_id", .string, "the user, inside the instance's agency"),
            .init("trigger_type", .string, "price_drop, calendar_gap, budget_surplus or the product's own"),
            .init("cooldown", .duration, "no second suggestion of the trigger within this"),
        ],
        result: .object,
        sideEffects: true,
        errors: [.transient, .permanent],
        inDoubt: .resend
    )
}
