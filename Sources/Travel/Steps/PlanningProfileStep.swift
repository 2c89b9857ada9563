public import FlowEngine
public import FlowRuntime
public import Steps

/// `planning.profile`: what the planning and suggestion flows know about a user, read fresh at
/// every call from `ProfileStore` within the instance's agency.
///
/// Result: `{user_id, preferences: <UserPreferences document, {} when none>, has_preferences,
/// feedback: {count, average_rating (null when none), improvement_areas, helpful_aspects,
/// comments, low_rated}}` where the lists are the latest feedbacks' distinct items, newest first,
/// and `low_rated` counts ratings of 1 or 2.
public struct PlanningProfileStep<Store: ProfileStore>: Step {
    public static var signature: StepSignature { .planningProfile }
    public static var defaultFeedback: Int { 5 }
    public static var maximumFeedback: Int { 20 }

    public let store: Store

    public init(store: Store) { self.store = store }

    public func run(_ call: StepCall, context: StepContext) async -> StepOutcome {
        let args = StepArguments(call.arguments)
        let user: String
        let limit: Int
        do throws(StepFailure) {
            user = try args.string("user_id")
            let requested = try args.optionalNumber("feedback_limit")
            if let requested, requested != requested.rounded() || requested < 0 || requested > Double(Self.maximumFeedback) {
                throw .badArgument("feedback_limit", "must be a whole number from 0 to \(Self.maximumFeedback)")
            }
            limit = requested.map { Int($0) } ?? Self.defaultFeedback
        } catch {
            return .failure(error)
        }
        let preferences: StoredPreferences?
        let feedback: [PlanFeedback]
        do {
            preferences = try await store.preferences(agencyID: context.agency, userID: user)
            feedback = limit == 0 ? [] : try await store.feedback(agencyID: context.agency, userID: user, limit: limit)
        } catch {
            return .failure(StepFailure(.transient, code: "store.unavailable", message: "profiles: \(error)"))
        }
        return .success([
            "user_id": .string(user), "preferences": preferences?.document ?? .object([:]),
            "has_preferences": .bool(preferences != nil), "feedback": Self.summary(feedback),
        ])
    }

    /// The feedbacks (newest first) as the flows read them.
    static func summary(_ feedback: [PlanFeedback]) -> Value {
        func distinct(_ lists: [[String]]) -> Value {
            var seen = Set<String>()
            return .array(lists.flatMap { $0 }.filter { seen.insert($0).inserted }.map(Value.string))
        }
        let average = feedback.isEmpty
            ? Value.null : .number((Double(feedback.map(\.rating).reduce(0, +)) / Double(feedback.count) * 100).rounded() / 100)
        return [
            "count": .number(Double(feedback.count)), "average_rating": average,
            "improvement_areas": distinct(feedback.map(\.improvementAreas)),
            "helpful_aspects": distinct(feedback.map(\.helpfulAspects)),
            "comments": .array(feedback.compactMap(\.comment).map(Value.string)),
            "low_rated": .number(Double(feedback.filter { $0.rating <= 2 }.count)),
        ]
    }
}
