public import FlowEngine
import SQLiteNIO

/// API keys on SQLite (`api_keys`, migration 9); every value bound.
extension SQLiteFlowStore {
    static let apiKeyColumns = "id, name, agency_id, admin, secret_digest, created_at, revoked_at"

    public func createAPIKey(_ key: APIKeyRecord) async throws {
        try await write { _ in
            _ = try await exec(
                "INSERT INTO api_keys (\(Self.apiKeyColumns)) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [.text(key.id), .text(key.name), .optional(key.agencyID), .integer(key.admin ? 1 : 0),
                 .text(key.secretDigest), .instant(key.createdAt), .instant(key.revokedAt)]
            )
        }
    }

    public func apiKey(id: String) async throws -> APIKeyRecord? {
        try await read { _ in
            try await exec("SELECT \(Self.apiKeyColumns) FROM api_keys WHERE id = ?", [.text(id)])
                .first.map(Self.apiKeyRecord)
        }
    }

    public func apiKeys(agencyID: String?) async throws -> [APIKeyRecord] {
        try await read { _ in
            try await exec(
                "SELECT \(Self.apiKeyColumns) FROM api_keys WHERE (? IS NULL OR agency_id = ?) ORDER BY created_at, id",
                [.optional(agencyID), .optional(agencyID)]
            ).map(Self.apiKeyRecord)
        }
    }

    public func revokeAPIKey(id: String, at: Instant) async throws -> Bool {
        try await write { _ in
            !(try await exec(
                "UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ? RETURNING id",
                [.instant(at), .text(id)]
            )).isEmpty
        }
    }

    static func apiKeyRecord(_ row: SQLiteRow) throws -> APIKeyRecord {
        let r = SQLiteRowReader(row)
        return APIKeyRecord(
            id: try r.string("id"), name: try r.string("name"), agencyID: try r.optionalString("agency_id"),
            admin: try r.int("admin") != 0, secretDigest: try r.string("secret_digest"),
            createdAt: try r.instant("created_at"), revokedAt: try r.optionalInstant("revoked_at"))
    }
}
