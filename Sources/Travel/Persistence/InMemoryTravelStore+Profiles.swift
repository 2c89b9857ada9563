public import FlowEngine

/// Users' preferences and feedback in memory (dry-runs and tests), keyed like the SQL tables.
extension InMemoryTravelStore {
    public func preferences(agencyID: String?, userID: String) async throws -> StoredPreferences? {
        preferenceRows[ProfileKey(agencyID: agencyID ?? "", userID: userID)]
    }

    public func savePreferences(_ preferences: StoredPreferences) async throws {
        preferenceRows[ProfileKey(agencyID: preferences.agencyID ?? "", userID: preferences.userID)] = preferences
    }

    public func saveFeedback(_ feedback: PlanFeedback) async throws {
        feedbackRows[feedback.jobID] = feedback
    }

    public func feedback(agencyID: String?, userID: String, limit: Int) async throws -> [PlanFeedback] {
        let mine = feedbackRows.values.filter { ($0.agencyID ?? "") == (agencyID ?? "") && $0.userID == userID }
        return Array(mine.sorted { ($0.at, $0.jobID) > ($1.at, $1.jobID) }.prefix(max(0, limit)))
    }
}

extension InMemoryTravelStore {
    public func claimSuggestion(
        agencyID: String?, userID: String, trigger: String, instanceID: String, at now: Instant, coolDown: TimeSpan
    ) async throws -> SuggestionClaim {
        let key = CooldownKey(agencyID: agencyID ?? "", userID: userID, trigger: trigger)
        if let last = cooldownRows[key] {
            if last.instanceID == instanceID { return SuggestionClaim(granted: true, lastAt: last.at) }
            guard last.at <= now - coolDown else { return SuggestionClaim(granted: false, lastAt: last.at) }
        }
        cooldownRows[key] = CooldownClaim(at: now, instanceID: instanceID)
        return SuggestionClaim(granted: true, lastAt: now)
    }
}

struct CooldownKey: Hashable {
    let agencyID: String
    let userID: String
    let trigger: String
}

struct CooldownClaim {
    let at: Instant
    let instanceID: String
}

struct ProfileKey: Hashable {
    let agencyID: String
    let userID: String
}
