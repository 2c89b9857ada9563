public import FlowRuntime

/// Migration 12: users' preferences, their feedback on jobs and the last suggestion of each trigger
/// made to them, for the cool-down (`ProfileStore`). A user is a
/// `user_id` inside an agency; `agency_id` is `''` for requests made without one (an admin key).
/// Feedback is one row per job, removed with its instance.
extension TravelSchema {
    static func profiles(_ d: SchemaDialect) -> [String] {
        [
            """
            CREATE TABLE user_preferences (
                agency_id TEXT NOT NULL,
                user_id TEXT NOT NULL,
                \(d.json("document")),
                updated_at \(d.instant) NOT NULL,
                updated_by TEXT,
                PRIMARY KEY (agency_id, user_id)
            )
            """,
            """
            CREATE TABLE plan_feedback (
                job_id TEXT PRIMARY KEY REFERENCES flow_instances (id) ON DELETE CASCADE,
                agency_id TEXT NOT NULL,
                user_id TEXT NOT NULL,
                flow TEXT NOT NULL,
                flow_version TEXT NOT NULL,
                rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
                comment TEXT,
                \(d.json("helpful_aspects")),
                \(d.json("improvement_areas")),
                given_by TEXT,
                created_at \(d.instant) NOT NULL
            )
            """,
            "CREATE INDEX plan_feedback_user ON plan_feedback (agency_id, user_id, created_at)",
            """
            CREATE TABLE suggestion_cooldowns (
                agency_id TEXT NOT NULL,
                user_id TEXT NOT NULL,
                trigger_type TEXT NOT NULL,
                last_at \(d.instant) NOT NULL,
                instance_id TEXT NOT NULL,
                PRIMARY KEY (agency_id, user_id, trigger_type)
            )
            """,
        ]
    }
}
