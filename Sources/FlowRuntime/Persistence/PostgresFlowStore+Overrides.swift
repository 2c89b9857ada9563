public import FlowEngine
import PostgresNIO

/// Agency overrides on PostgreSQL (`agency_overrides`, migration 11); every value bound.
extension PostgresFlowStore {
    static let overrideColumns = "agency_id, revision, source, hash, changed_by, changed_at"

    public func saveOverrides(_ revision: OverrideRevision) async throws {
        _ = try await rows(
            """
            INSERT INTO agency_overrides (\(unescaped: Self.overrideColumns))
            VALUES (\(revision.agencyID), \(revision.revision), \(revision.source), \(revision.hash),
                    \(revision.changedBy), \(revision.changedAt.postgres))
            """
        )
    }

    /// Read at every start: reads that arrive together (a burst of starts) are one statement, one
    /// row per agency, each answered by a read that began after it was asked.
    public func currentOverrides(agencyID: String) async throws -> OverrideRevision? {
        guard groupsStatements else { return try await currentOverridesAlone(agencyID) }
        return try await batched(agencyID, as: "overrides.current") { [self] batch in
            await writeBatch(batch, kind: "overrides.current", together: { agencies in
                let latest = Dictionary(try await driverRows(
                    """
                    SELECT DISTINCT ON (agency_id) \(unescaped: Self.overrideColumns) FROM agency_overrides
                    WHERE agency_id = ANY(\(Array(Set(agencies)))::text[]) ORDER BY agency_id, revision DESC
                    """
                ).map(Self.overrideRevision).map { ($0.agencyID, $0) }) { first, _ in first }
                return agencies.map { .success(latest[$0]) }
            }, alone: currentOverridesAlone)
        }
    }

    func currentOverridesAlone(_ agencyID: String) async throws -> OverrideRevision? {
        try await rows(
            """
            SELECT \(unescaped: Self.overrideColumns) FROM agency_overrides
            WHERE agency_id = \(agencyID) ORDER BY revision DESC LIMIT 1
            """
        ).first.map(Self.overrideRevision)
    }

    public func overrideHistory(agencyID: String) async throws -> [OverrideRevision] {
        try await rows(
            """
            SELECT \(unescaped: Self.overrideColumns) FROM agency_overrides
            WHERE agency_id = \(agencyID) ORDER BY revision DESC
            """
        ).map(Self.overrideRevision)
    }

    static func overrideRevision(_ row: PostgresRow) throws -> OverrideRevision {
        let r = row.makeRandomAccess()
        var revision = OverrideRevision(
            agencyID: try r["agency_id"].decode(String.self), revision: try r["revision"].decode(Int.self),
            source: try r["source"].decode(String.self), changedBy: try r["changed_by"].decode(String.self),
            changedAt: try r["changed_at"].decode(PostgresInstant.self).instant)
        revision.hash = try r["hash"].decode(String.self)
        return revision
    }
}
