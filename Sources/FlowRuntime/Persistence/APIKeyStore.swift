public import FlowEngine

/// One API key as stored: everything but its secret, of which only a SHA-256 digest is kept.
///
/// A key belongs to one agency, or is an admin key (which may also name a home agency: the one
/// an admin's writes use when the request names none).
public struct APIKeyRecord: Sendable, Hashable, Codable {
    /// The public part of the key (`flow_<id>_<secret>`): how the key is looked up, listed and revoked.
    public var id: String
    /// A label for people (who made a request: the timeline says the key's name).
    public var name: String
    /// The agency whose objects the key reads and writes; nil for an admin key without a home agency.
    public var agencyID: String?
    /// An admin key reads and writes every agency's objects and `/metrics`.
    public var admin: Bool
    /// The SHA-256 digest of the secret, lower-case hex.
    public var secretDigest: String
    public var createdAt: Instant
    /// Set once the key is revoked; a revoked key authenticates nothing.
    public var revokedAt: Instant?

    public init(
        id: String, name: String, agencyID: String?, admin: Bool, secretDigest: String, createdAt: Instant,
        revokedAt: Instant? = nil
    ) {
        self.id = id
        self.name = name
        self.agencyID = agencyID
        self.admin = admin
        self.secretDigest = secretDigest
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }
}

/// The daemon's API keys (`api_keys`, migration 9). Secrets are never stored: see `APIKeys`.
public protocol APIKeyStore: Sendable {
    /// Stores a new key; `StoreError(.conflict)` when its id exists.
    func createAPIKey(_ key: APIKeyRecord) async throws
    /// The key with `id`, revoked or not; nil when there is none.
    func apiKey(id: String) async throws -> APIKeyRecord?
    /// Keys of `agencyID` (nil: every key), in creation order.
    func apiKeys(agencyID: String?) async throws -> [APIKeyRecord]
    /// Marks the key revoked at `at`; false when there is no such key. Revoking twice keeps the first instant.
    func revokeAPIKey(id: String, at: Instant) async throws -> Bool
}
