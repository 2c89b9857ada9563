public import FlowEngine

/// API keys in memory.
extension InMemoryFlowStore {
    public func createAPIKey(_ key: APIKeyRecord) async throws {
        guard apiKeyRecords[key.id] == nil else { throw StoreError(.conflict, "API key '\(key.id)' exists") }
        apiKeyRecords[key.id] = key
    }

    public func apiKey(id: String) async throws -> APIKeyRecord? { apiKeyRecords[id] }

    public func apiKeys(agencyID: String?) async throws -> [APIKeyRecord] {
        apiKeyRecords.values.filter { agencyID == nil || $0.agencyID == agencyID }
            .sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    public func revokeAPIKey(id: String, at: Instant) async throws -> Bool {
        guard var key = apiKeyRecords[id] else { return false }
        key.revokedAt = key.revokedAt ?? at
        apiKeyRecords[id] = key
        return true
    }
}
