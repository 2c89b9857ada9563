import FlowEngine
import FlowRuntime
import Hummingbird
import Metrics

extension PlanningRoutes {
    /// `GET /v1/preferences/{user_id}`: `{user_id, preferences, updated_at, updated_by}` (`{}` and nulls
    /// when none were stored), within the key's agency (an admin key: `?agency=`).
    func preferences(_ request: Request, user: String, identity: APIIdentity) async throws -> Response {
        let agency = try RequestAgency.forWrite(identity, named: request.uri.queryParameters.get("agency").map { String($0) })
        let stored = try await profiles.preferences(agencyID: agency, userID: try Self.userID(user))
        return APIResponse.json(Self.preferencesJSON(user: user, stored))
    }

    /// `PUT /v1/preferences/{user_id}` with the whole document (`UserPreferences`): 200 with it as
    /// stored and the watches it started (`watches`); 422 naming every field that is wrong, and
    /// nothing stored.
    func putPreferences(_ request: Request, user: String, identity: APIIdentity) async throws -> Response {
        let agency = try RequestAgency.forWrite(identity, named: request.uri.queryParameters.get("agency").map { String($0) })
        let body = try await APIResponse.body(of: request)
        let document: Value
        do {
            document = try UserPreferences.checked(body)
        } catch {
            throw APIError.unprocessable(error.message)
        }
        let stored = StoredPreferences(
            agencyID: agency, userID: try Self.userID(user), document: document, updatedAt: services.clock(),
            updatedBy: identity.keyName)
        try await profiles.savePreferences(stored)
        var answer = Self.preferencesJSON(user: user, stored).objectValue ?? [:]
        answer["watches"] = try await announce(stored)
        return APIResponse.json(.object(answer))
    }

    /// Dispatches `preferences.updated` `{user_id, agency_id, preferences}`: the flows listening (the
    /// watches, one instance per agency and user) start, or are found already running. Their
    /// `[{flow, instance_id, created}]`; a listener refusing the payload is a 500 naming it, the
    /// preferences stay stored.
    func announce(_ stored: StoredPreferences) async throws -> Value {
        guard let events = services.events else { return [] }
        let payload: Value = [
            "user_id": .string(stored.userID), "agency_id": stored.agencyID.map(Value.string) ?? .null,
            "preferences": stored.document,
        ]
        do {
            let started = try await events.dispatch(
                event: Self.preferencesUpdated, payload: payload, agency: stored.agencyID, at: stored.updatedAt)
            return .array(started.map { ["flow": .string($0.flow), "instance_id": .string($0.instance.id), "created": .bool($0.created)] })
        } catch let refused as EventDispatchError {
            throw APIError(.internalServerError, code: "watch_refused",
                           message: "the preferences are stored, but a watch did not start: \(refused)")
        }
    }

    /// The event `PUT /v1/preferences` dispatches.
    static var preferencesUpdated: String { "preferences.updated" }

    /// `POST /v1/feedback` `{job_id, rating, comment?, helpful_aspects?, improvement_areas?}`: stored
    /// with the job's flow and version (a later one on the same job replaces it), added to the job's
    /// timeline as a `feedback` entry and counted on `/metrics` by flow version. 200 `{message, feedback}`;
    /// 404 an unknown job or another agency's; 422 a malformed body.
    func feedback(_ request: Request, identity: APIIdentity) async throws -> Response {
        let body = try await APIResponse.body(of: request)
        guard body.objectValue != nil else {
            throw APIError.unprocessable("the body must be a JSON object {job_id, rating, comment?, helpful_aspects?, improvement_areas?}")
        }
        guard let jobID = body["job_id"]?.stringValue, !jobID.isEmpty else {
            throw APIError.unprocessable("job_id: required text")
        }
        let parts: (rating: Int, comment: String?, helpful: [String], improve: [String])
        do {
            parts = try PlanFeedback.parts(of: body)
        } catch {
            throw APIError.unprocessable(error.message)
        }
        let record = try await visible(jobID, to: identity)
        // Only the user is needed: the state, not the job's timeline and approvals.
        let state = try? InstanceStateCoding.decode(record.state)
        guard let user = state?.bindings["input"]?["user_id"]?.stringValue else {
            throw APIError.conflict("Job \(jobID) has no user_id")
        }
        let definition = try await store.definition(hash: record.definitionHash)
        let version = StoredDefinition.label(definition, hash: record.definitionHash)
        let feedback = PlanFeedback(
            jobID: jobID, agencyID: record.agencyID, userID: user, flow: record.flow, flowVersion: version,
            rating: parts.rating, comment: parts.comment, helpfulAspects: parts.helpful,
            improvementAreas: parts.improve, givenBy: identity.keyName, at: services.clock())
        try await profiles.saveFeedback(feedback)
        try await store.annotate(
            instanceID: jobID, [HistoryEntry(at: feedback.at, .feedback(feedback.value.objectValue ?? [:]))])
        services.timeline.announce(jobID)
        Counter(label: "flow_plan_feedback_total", dimensions: [
            ("flow", feedback.flow), ("version", feedback.flowVersion), ("rating", String(feedback.rating)),
        ], factory: services.metrics).increment()
        return APIResponse.json(["message": "Feedback submitted successfully", "feedback": feedback.value])
    }

    static func preferencesJSON(user: String, _ stored: StoredPreferences?) -> Value {
        [
            "user_id": .string(user), "preferences": stored?.document ?? .object([:]),
            "updated_at": stored.map { .instant($0.updatedAt) } ?? .null,
            "updated_by": stored?.updatedBy.map(Value.string) ?? .null,
        ]
    }

    /// A path's `user_id`, 1–200 characters like a plan request's.
    static func userID(_ text: String) throws -> String {
        guard (1...PlanRequest.maximumUserID).contains(text.unicodeScalars.count) else {
            throw APIError.unprocessable("user_id: must be text of 1 to \(PlanRequest.maximumUserID) characters")
        }
        return text
    }
}
