public import FlowEngine

/// Agency overrides in memory.
extension InMemoryFlowStore {
    public func saveOverrides(_ revision: OverrideRevision) async throws {
        var revisions = overrideRevisions[revision.agencyID] ?? []
        guard !revisions.contains(where: { $0.revision == revision.revision }) else {
            throw StoreError(.conflict, "agency '\(revision.agencyID)' already has overrides revision \(revision.revision)")
        }
        revisions.append(revision)
        overrideRevisions[revision.agencyID] = revisions.sorted { $0.revision > $1.revision }
    }

    public func currentOverrides(agencyID: String) async throws -> OverrideRevision? {
        overrideRevisions[agencyID]?.first
    }

    public func overrideHistory(agencyID: String) async throws -> [OverrideRevision] {
        overrideRevisions[agencyID] ?? []
    }
}
