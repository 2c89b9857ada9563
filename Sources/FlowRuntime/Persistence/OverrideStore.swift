public import FlowEngine

/// One revision of an agency's overrides document, as changed over the API or `flowctl overrides
/// set`: the document's text, who changed it and when. Revisions are numbered 1, 2, 3… per agency;
/// the highest is in effect (over the deploy's `workflows/agencies/<id>.yaml`), and all of them
/// together are the audit trail.
public struct OverrideRevision: Sendable, Hashable, Codable {
    public var agencyID: String
    public var revision: Int
    /// The overrides document (YAML), exactly as submitted.
    public var source: String
    /// FNV-1a 64 of `source` (`LoadedFlow.fnv1a64`): equal documents have equal hashes.
    public var hash: String
    /// Who changed it: the API key's name, or the `--by` of `flowctl overrides set`.
    public var changedBy: String
    public var changedAt: Instant

    public init(agencyID: String, revision: Int, source: String, changedBy: String, changedAt: Instant) {
        self.agencyID = agencyID
        self.revision = revision
        self.source = source
        self.hash = LoadedFlow.fnv1a64(source)
        self.changedBy = changedBy
        self.changedAt = changedAt
    }
}

/// Agencies' overrides documents changed without a deploy (`agency_overrides`, migration 11).
public protocol OverrideStore: Sendable {
    /// Stores a revision; `StoreError(.conflict)` when the agency already has one with its number
    /// (another change got there first).
    func saveOverrides(_ revision: OverrideRevision) async throws
    /// The agency's highest revision; nil when its overrides were never changed this way.
    func currentOverrides(agencyID: String) async throws -> OverrideRevision?
    /// Every revision of the agency's, newest first.
    func overrideHistory(agencyID: String) async throws -> [OverrideRevision]
}
