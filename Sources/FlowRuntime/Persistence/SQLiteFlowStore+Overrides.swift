public import FlowEngine
import SQLiteNIO

/// Agency overrides on SQLite (`agency_overrides`, migration 11); every value bound.
extension SQLiteFlowStore {
    static let overrideColumns = "agency_id, revision, source, hash, changed_by, changed_at"

    public func saveOverrides(_ revision: OverrideRevision) async throws {
        try await write { _ in
            _ = try await exec(
                "INSERT INTO agency_overrides (\(Self.overrideColumns)) VALUES (?, ?, ?, ?, ?, ?)",
                [.text(revision.agencyID), .integer(revision.revision), .text(revision.source), .text(revision.hash),
                 .text(revision.changedBy), .instant(revision.changedAt)]
            )
        }
    }

    public func currentOverrides(agencyID: String) async throws -> OverrideRevision? {
        try await read { _ in
            try await exec(
                "SELECT \(Self.overrideColumns) FROM agency_overrides WHERE agency_id = ? ORDER BY revision DESC LIMIT 1",
                [.text(agencyID)]
            ).first.map(Self.overrideRevision)
        }
    }

    public func overrideHistory(agencyID: String) async throws -> [OverrideRevision] {
        try await read { _ in
            try await exec(
                "SELECT \(Self.overrideColumns) FROM agency_overrides WHERE agency_id = ? ORDER BY revision DESC",
                [.text(agencyID)]
            ).map(Self.overrideRevision)
        }
    }

    static func overrideRevision(_ row: SQLiteRow) throws -> OverrideRevision {
        let r = SQLiteRowReader(row)
        var revision = OverrideRevision(
            agencyID: try r.string("agency_id"), revision: Int(try r.int("revision")), source: try r.string("source"),
            changedBy: try r.string("changed_by"), changedAt: try r.instant("changed_at"))
        revision.hash = try r.string("hash")
        return revision
    }
}
