public import FlowEngine
public import FlowRuntime
public import Steps

/// `planning.cooldown`: whether a suggestion of a trigger may be made to a user now, claimed
/// atomically in `suggestion_cooldowns` under the instance's agency, so two suggestions of one
/// trigger never reach a user within the cool-down whichever path asked (a watch, `/v1/suggest`).
/// The claim is the instance's: a re-issued call after a crash is granted again (in-doubt `resend`).
///
/// Result: `{granted, last_at, next_allowed_at}`; `last_at` is the standing claim's instant.
public struct PlanningCooldownStep<Store: ProfileStore>: Step {
    public static var signature: StepSignature { .planningCooldown }

    public let store: Store

    public init(store: Store) { self.store = store }

    public func run(_ call: StepCall, context: StepContext) async -> StepOutcome {
        let args = StepArguments(call.arguments)
        let user: String
        let trigger: String
        let coolDown: TimeSpan
        do throws(StepFailure) {
            user = try args.string("user_id")
            trigger = try args.string("trigger_type")
            guard let given = try args.optionalDuration("cooldown") else { throw .badArgument("cooldown", "is required") }
            coolDown = given
        } catch {
            return .failure(error)
        }
        let claim: SuggestionClaim
        do {
            claim = try await store.claimSuggestion(
                agencyID: context.agency, userID: user, trigger: trigger, instanceID: context.instanceID ?? "dry-run",
                at: context.now, coolDown: coolDown)
        } catch {
            return .failure(StepFailure(.transient, code: "store.unavailable", message: "cool-downs: \(error)"))
        }
        return .success([
            "granted": .bool(claim.granted), "last_at": .instant(claim.lastAt),
            "next_allowed_at": .instant(claim.lastAt + coolDown),
        ])
    }
}
