public import FlowEngine
import PostgresNIO

/// API keys on PostgreSQL (`api_keys`, migration 9); every value bound.
extension PostgresFlowStore {
    static let apiKeyColumns = "id, name, agency_id, admin, secret_digest, created_at, revoked_at"

    public func createAPIKey(_ key: APIKeyRecord) async throws {
        _ = try await rows(
            """
            INSERT INTO api_keys (\(unescaped: Self.apiKeyColumns))
            VALUES (\(key.id), \(key.name), \(key.agencyID), \(key.admin ? 1 : 0), \(key.secretDigest),
                    \(key.createdAt.postgres), \(key.revokedAt.postgres))
            """
        )
    }

    public func apiKey(id: String) async throws -> APIKeyRecord? {
        try await rows("SELECT \(unescaped: Self.apiKeyColumns) FROM api_keys WHERE id = \(id)")
            .first.map(Self.apiKeyRecord)
    }

    public func apiKeys(agencyID: String?) async throws -> [APIKeyRecord] {
        try await rows(
            """
            SELECT \(unescaped: Self.apiKeyColumns) FROM api_keys
            WHERE (\(agencyID)::text IS NULL OR agency_id = \(agencyID)) ORDER BY created_at, id
            """
        ).map(Self.apiKeyRecord)
    }

    public func revokeAPIKey(id: String, at: Instant) async throws -> Bool {
        !(try await rows(
            "UPDATE api_keys SET revoked_at = COALESCE(revoked_at, \(at.postgres)) WHERE id = \(id) RETURNING id"
        )).isEmpty
    }

    static func apiKeyRecord(_ row: PostgresRow) throws -> APIKeyRecord {
        let r = row.makeRandomAccess()
        return APIKeyRecord(
            id: try r["id"].decode(String.self), name: try r["name"].decode(String.self),
            agencyID: try r["agency_id"].decode(String?.self), admin: try r["admin"].decode(Int.self) != 0,
            secretDigest: try r["secret_digest"].decode(String.self),
            createdAt: try r["created_at"].decode(PostgresInstant.self).instant,
            revokedAt: try r["revoked_at"].decode(PostgresInstant?.self)?.instant)
    }
}
