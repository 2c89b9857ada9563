public import FlowEngine

/// A user's rating of one job (`POST /v1/feedback`, the original's `FeedbackRequest`): stored with
/// the job's flow and version, one per job (a later one replaces it), and read by the user's next
/// plans through `planning.profile`.
public struct PlanFeedback: Sendable, Hashable {
    public var jobID: String
    public var agencyID: String?
    public var userID: String
    public var flow: String
    /// The version the job ran: `<declared>+<hash prefix>`.
    public var flowVersion: String
    /// 1–5.
    public var rating: Int
    public var comment: String?
    /// E.g. `budget_accuracy`, `creative_suggestions`, `flight_times`.
    public var helpfulAspects: [String]
    public var improvementAreas: [String]
    /// The key that gave it.
    public var givenBy: String?
    public var at: Instant

    public init(
        jobID: String, agencyID: String?, userID: String, flow: String, flowVersion: String, rating: Int,
        comment: String?, helpfulAspects: [String], improvementAreas: [String], givenBy: String?, at: Instant
    ) {
        self.jobID = jobID
        self.agencyID = agencyID
        self.userID = userID
        self.flow = flow
        self.flowVersion = flowVersion
        self.rating = rating
        self.comment = comment
        self.helpfulAspects = helpfulAspects
        self.improvementAreas = improvementAreas
        self.givenBy = givenBy
        self.at = at
    }

    public static let maximumComment = 1_000
    static let maximumAspects = 20
    static let maximumAspect = 80

    /// The body's rating, comment and aspect lists, checked like the original's model.
    /// - Throws: `ProfileProblems` with every problem.
    public static func parts(of body: Value) throws(ProfileProblems) -> (rating: Int, comment: String?, helpful: [String], improve: [String]) {
        var problems: [String] = []
        var rating = 0
        if let number = body["rating"]?.numberValue, number == number.rounded(), (1...5).contains(number) {
            rating = Int(number)
        } else {
            problems.append("rating: required, a whole number from 1 to 5")
        }
        var comment: String?
        if let value = body["comment"], !value.isNull {
            if let text = value.stringValue, text.unicodeScalars.count <= maximumComment {
                comment = text
            } else {
                problems.append("comment: must be text of at most \(maximumComment) characters")
            }
        }
        func aspects(_ field: String) -> [String] {
            guard let value = body[field], !value.isNull else { return [] }
            let items = value.arrayValue ?? []
            let texts = items.compactMap(\.stringValue)
            guard value.arrayValue != nil, items.count <= maximumAspects, texts.count == items.count,
                  texts.allSatisfy({ (1...maximumAspect).contains($0.unicodeScalars.count) })
            else {
                problems.append("\(field): must be a list of at most \(maximumAspects) texts of 1 to \(maximumAspect) characters")
                return []
            }
            return texts
        }
        let helpful = aspects("helpful_aspects")
        let improve = aspects("improvement_areas")
        guard problems.isEmpty else { throw ProfileProblems(problems) }
        return (rating, comment, helpful, improve)
    }

    /// The feedback as the timeline's `feedback` entry and the API show it.
    public var value: Value {
        [
            "job_id": .string(jobID), "user_id": .string(userID), "flow": .string(flow),
            "flow_version": .string(flowVersion), "rating": .number(Double(rating)),
            "comment": comment.map(Value.string) ?? .null, "helpful_aspects": .array(helpfulAspects.map(Value.string)),
            "improvement_areas": .array(improvementAreas.map(Value.string)),
            "given_by": givenBy.map(Value.string) ?? .null, "at": .instant(at),
        ]
    }
}

/// A user's stored preferences document (`UserPreferences.checked`).
public struct StoredPreferences: Sendable, Hashable {
    public var agencyID: String?
    public var userID: String
    public var document: Value
    public var updatedAt: Instant
    /// The key that stored it.
    public var updatedBy: String?

    public init(agencyID: String?, userID: String, document: Value, updatedAt: Instant, updatedBy: String?) {
        self.agencyID = agencyID
        self.userID = userID
        self.document = document
        self.updatedAt = updatedAt
        self.updatedBy = updatedBy
    }
}

/// Users' preferences and their feedback on jobs, per agency (`nil`: no agency).
public protocol ProfileStore: Sendable {
    /// The user's preferences, nil when none were stored.
    func preferences(agencyID: String?, userID: String) async throws -> StoredPreferences?
    /// Replaces the user's preferences.
    func savePreferences(_ preferences: StoredPreferences) async throws
    /// Stores feedback on a job, replacing an earlier one on the same job.
    func saveFeedback(_ feedback: PlanFeedback) async throws
    /// The user's latest feedback, newest first, at most `limit`.
    func feedback(agencyID: String?, userID: String, limit: Int) async throws -> [PlanFeedback]
    /// Claims the right to suggest `trigger` to the user at `now`: granted when no suggestion of it
    /// was claimed after `now - coolDown`, or when `instanceID` holds the last claim (a re-issued
    /// call keeps its claim and its instant). Atomic: of concurrent claims one is granted.
    func claimSuggestion(
        agencyID: String?, userID: String, trigger: String, instanceID: String, at now: Instant, coolDown: TimeSpan
    ) async throws -> SuggestionClaim
}

/// The answer of `ProfileStore.claimSuggestion`.
public struct SuggestionClaim: Sendable, Hashable {
    public var granted: Bool
    /// When the claim that stands was made (this one's when granted).
    public var lastAt: Instant

    public init(granted: Bool, lastAt: Instant) {
        self.granted = granted
        self.lastAt = lastAt
    }
}
