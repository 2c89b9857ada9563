public import FlowEngine
public import FlowRuntime
import PostgresNIO

/// Users' preferences and feedback on PostgreSQL (`TravelSchema.profiles`).
extension PostgresFlowStore {
    static let feedbackColumns = """
        job_id, agency_id, user_id, flow, flow_version, rating, comment, helpful_aspects::text AS helpful_aspects, \
        improvement_areas::text AS improvement_areas, given_by, created_at
        """

    public func preferences(agencyID: String?, userID: String) async throws -> StoredPreferences? {
        try await rows(
            """
            SELECT document::text AS document, updated_at, updated_by FROM user_preferences
            WHERE agency_id = \(agencyID ?? "") AND user_id = \(userID)
            """
        ).first.map { row in
            let r = row.makeRandomAccess()
            return StoredPreferences(
                agencyID: agencyID, userID: userID,
                document: try StoreCoding.value(try r["document"].decode(String.self), column: "document"),
                updatedAt: try r["updated_at"].decode(PostgresInstant.self).instant,
                updatedBy: try r["updated_by"].decode(String?.self))
        }
    }

    public func savePreferences(_ preferences: StoredPreferences) async throws {
        let document = try StoreCoding.json(preferences.document)
        _ = try await rows(
            """
            INSERT INTO user_preferences (agency_id, user_id, document, updated_at, updated_by)
            VALUES (\(preferences.agencyID ?? ""), \(preferences.userID), \(document)::jsonb,
                \(preferences.updatedAt.postgres), \(preferences.updatedBy))
            ON CONFLICT (agency_id, user_id) DO UPDATE SET
                document = excluded.document, updated_at = excluded.updated_at, updated_by = excluded.updated_by
            """)
    }

    public func saveFeedback(_ feedback: PlanFeedback) async throws {
        let helpful = try StoreCoding.json(.array(feedback.helpfulAspects.map(Value.string)))
        let improve = try StoreCoding.json(.array(feedback.improvementAreas.map(Value.string)))
        _ = try await rows(
            """
            INSERT INTO plan_feedback (job_id, agency_id, user_id, flow, flow_version, rating, comment, helpful_aspects,
                improvement_areas, given_by, created_at)
            VALUES (\(feedback.jobID), \(feedback.agencyID ?? ""), \(feedback.userID), \(feedback.flow),
                \(feedback.flowVersion), \(Int32(feedback.rating)), \(feedback.comment), \(helpful)::jsonb,
                \(improve)::jsonb, \(feedback.givenBy), \(feedback.at.postgres))
            ON CONFLICT (job_id) DO UPDATE SET
                rating = excluded.rating, comment = excluded.comment, helpful_aspects = excluded.helpful_aspects,
                improvement_areas = excluded.improvement_areas, given_by = excluded.given_by,
                created_at = excluded.created_at
            """)
    }

    public func feedback(agencyID: String?, userID: String, limit: Int) async throws -> [PlanFeedback] {
        try await rows(
            """
            SELECT \(unescaped: Self.feedbackColumns) FROM plan_feedback
            WHERE agency_id = \(agencyID ?? "") AND user_id = \(userID)
            ORDER BY created_at DESC, job_id DESC LIMIT \(Int32(limit))
            """
        ).map { row in
            let r = row.makeRandomAccess()
            let agency = try r["agency_id"].decode(String.self)
            func texts(_ column: String) throws -> [String] {
                try StoreCoding.value(try r[column].decode(String.self), column: column).arrayValue?
                    .compactMap(\.stringValue) ?? []
            }
            return PlanFeedback(
                jobID: try r["job_id"].decode(String.self), agencyID: agency.isEmpty ? nil : agency,
                userID: try r["user_id"].decode(String.self), flow: try r["flow"].decode(String.self),
                flowVersion: try r["flow_version"].decode(String.self), rating: Int(try r["rating"].decode(Int32.self)),
                comment: try r["comment"].decode(String?.self), helpfulAspects: try texts("helpful_aspects"),
                improvementAreas: try texts("improvement_areas"), givenBy: try r["given_by"].decode(String?.self),
                at: try r["created_at"].decode(PostgresInstant.self).instant)
        }
    }

    public func claimSuggestion(
        agencyID: String?, userID: String, trigger: String, instanceID: String, at now: Instant, coolDown: TimeSpan
    ) async throws -> SuggestionClaim {
        let agency = agencyID ?? ""
        // One statement: the upsert that grants, or else the claim that stands.
        let found = try await rows(
            """
            WITH granted AS (
                INSERT INTO suggestion_cooldowns (agency_id, user_id, trigger_type, last_at, instance_id)
                VALUES (\(agency), \(userID), \(trigger), \(now.postgres), \(instanceID))
                ON CONFLICT (agency_id, user_id, trigger_type) DO UPDATE SET
                    last_at = CASE WHEN suggestion_cooldowns.instance_id = excluded.instance_id
                                   THEN suggestion_cooldowns.last_at ELSE excluded.last_at END,
                    instance_id = excluded.instance_id
                WHERE suggestion_cooldowns.last_at <= \((now - coolDown).postgres)
                   OR suggestion_cooldowns.instance_id = excluded.instance_id
                RETURNING last_at
            )
            SELECT true AS granted, last_at FROM granted
            UNION ALL
            SELECT false, last_at FROM suggestion_cooldowns
            WHERE agency_id = \(agency) AND user_id = \(userID) AND trigger_type = \(trigger)
              AND NOT EXISTS (SELECT 1 FROM granted)
            """)
        guard let row = found.first?.makeRandomAccess() else { return SuggestionClaim(granted: false, lastAt: now) }
        return SuggestionClaim(
            granted: try row["granted"].decode(Bool.self), lastAt: try row["last_at"].decode(PostgresInstant.self).instant)
    }
}
