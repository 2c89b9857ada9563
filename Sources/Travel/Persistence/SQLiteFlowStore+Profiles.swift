public import FlowEngine
public import FlowRuntime
import SQLiteNIO

/// Users' preferences and feedback on SQLite (`TravelSchema.profiles`).
extension SQLiteFlowStore {
    static let feedbackColumns = """
        job_id, agency_id, user_id, flow, flow_version, rating, comment, helpful_aspects, improvement_areas, \
        given_by, created_at
        """

    public func preferences(agencyID: String?, userID: String) async throws -> StoredPreferences? {
        try await read { _ in
            try await exec(
                """
                SELECT document, updated_at, updated_by FROM user_preferences WHERE agency_id = ? AND user_id = ?
                """, [.text(agencyID ?? ""), .text(userID)]
            ).first.map { row in
                let r = SQLiteRowReader(row)
                return StoredPreferences(
                    agencyID: agencyID, userID: userID, document: try r.value("document"),
                    updatedAt: try r.instant("updated_at"), updatedBy: try r.optionalString("updated_by"))
            }
        }
    }

    public func savePreferences(_ preferences: StoredPreferences) async throws {
        try await write { _ in
            try await exec(
                """
                INSERT INTO user_preferences (agency_id, user_id, document, updated_at, updated_by)
                VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (agency_id, user_id) DO UPDATE SET
                    document = excluded.document, updated_at = excluded.updated_at, updated_by = excluded.updated_by
                """,
                [.text(preferences.agencyID ?? ""), .text(preferences.userID),
                 .text(try StoreCoding.json(preferences.document)), .instant(preferences.updatedAt),
                 .optional(preferences.updatedBy)])
        }
    }

    public func saveFeedback(_ feedback: PlanFeedback) async throws {
        try await write { _ in
            try await exec(
                """
                INSERT INTO plan_feedback (\(Self.feedbackColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (job_id) DO UPDATE SET
                    rating = excluded.rating, comment = excluded.comment, helpful_aspects = excluded.helpful_aspects,
                    improvement_areas = excluded.improvement_areas, given_by = excluded.given_by,
                    created_at = excluded.created_at
                """,
                [.text(feedback.jobID), .text(feedback.agencyID ?? ""), .text(feedback.userID), .text(feedback.flow),
                 .text(feedback.flowVersion), .integer(feedback.rating), .optional(feedback.comment),
                 .text(try StoreCoding.json(.array(feedback.helpfulAspects.map(Value.string)))),
                 .text(try StoreCoding.json(.array(feedback.improvementAreas.map(Value.string)))),
                 .optional(feedback.givenBy), .instant(feedback.at)])
        }
    }

    public func feedback(agencyID: String?, userID: String, limit: Int) async throws -> [PlanFeedback] {
        try await read { _ in
            try await exec(
                """
                SELECT \(Self.feedbackColumns) FROM plan_feedback WHERE agency_id = ? AND user_id = ?
                ORDER BY created_at DESC, job_id DESC LIMIT ?
                """, [.text(agencyID ?? ""), .text(userID), .integer(limit)]
            ).map { row in
                let r = SQLiteRowReader(row)
                let agency = try r.string("agency_id")
                return PlanFeedback(
                    jobID: try r.string("job_id"), agencyID: agency.isEmpty ? nil : agency, userID: try r.string("user_id"),
                    flow: try r.string("flow"), flowVersion: try r.string("flow_version"), rating: Int(try r.int("rating")),
                    comment: try r.optionalString("comment"),
                    helpfulAspects: (try r.value("helpful_aspects")).arrayValue?.compactMap(\.stringValue) ?? [],
                    improvementAreas: (try r.value("improvement_areas")).arrayValue?.compactMap(\.stringValue) ?? [],
                    givenBy: try r.optionalString("given_by"), at: try r.instant("created_at"))
            }
        }
    }

    public func claimSuggestion(
        agencyID: String?, userID: String, trigger: String, instanceID: String, at now: Instant, coolDown: TimeSpan
    ) async throws -> SuggestionClaim {
        try await write { _ in
            let keys: [SQLiteData] = [.text(agencyID ?? ""), .text(userID), .text(trigger)]
            let granted = try await exec(
                """
                INSERT INTO suggestion_cooldowns (agency_id, user_id, trigger_type, last_at, instance_id)
                VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (agency_id, user_id, trigger_type) DO UPDATE SET
                    last_at = CASE WHEN suggestion_cooldowns.instance_id = excluded.instance_id
                                   THEN suggestion_cooldowns.last_at ELSE excluded.last_at END,
                    instance_id = excluded.instance_id
                WHERE suggestion_cooldowns.last_at <= ? OR suggestion_cooldowns.instance_id = excluded.instance_id
                RETURNING last_at
                """, keys + [.instant(now), .text(instanceID), .instant(now - coolDown)])
            if let row = granted.first {
                return SuggestionClaim(granted: true, lastAt: try SQLiteRowReader(row).instant("last_at"))
            }
            let standing = try await exec(
                "SELECT last_at FROM suggestion_cooldowns WHERE agency_id = ? AND user_id = ? AND trigger_type = ?", keys)
            let last = try standing.first.map { try SQLiteRowReader($0).instant("last_at") }
            return SuggestionClaim(granted: false, lastAt: last ?? now)
        }
    }
}
