public import FlowEngine

/// An agency's overrides as they change without a deploy: what is in effect, a change checked as
/// `flowctl validate` checks `workflows/agencies/*.yaml` (nothing is stored when it has errors),
/// and the history of changes with who and when. The API's `/agencies/{id}/overrides` routes and
/// `flowctl overrides` are thin shells over it.
///
/// The document in effect for an agency is its highest stored revision, else the deploy's
/// `workflows/agencies/<id>.yaml`, else none (the flows' defaults). Instances read it when they
/// start (`DefinitionRegistry.runtimeSettings(flow:agency:in:)`); running instances keep the
/// settings they started with.
public struct AgencyOverridesBook<Store: FlowStore>: Sendable {
    /// The largest overrides document accepted (64 KiB).
    public static var documentLimit: Int { 64 * 1024 }

    public let store: Store
    public let registry: DefinitionRegistry

    public init(store: Store, registry: DefinitionRegistry) {
        self.store = store
        self.registry = registry
    }

    /// The agency's overrides in effect and the settings each flow starts with under them.
    public func current(agency: String) async throws -> AgencyOverridesView {
        let stored = try await store.currentOverrides(agencyID: agency)
        return view(agency: agency, stored: stored)
    }

    /// Checks `document` as `change` would, storing nothing: the source it was read as, whether it
    /// could be read as an overrides document of `agency` at all, and its diagnostics by location.
    public func check(agency: String, document: String) -> (source: SourceFile, valid: Bool, diagnostics: [Diagnostic]) {
        let source = SourceFile(path: "agencies/\(agency).yaml", text: document)
        var (parsed, diagnostics) = registry.directory.checkOverrides(source, catalogue: registry.catalogue)
        if let parsed, parsed.agency.value != agency {
            diagnostics.append(.error(
                .invalidValue, "this document is agency '\(parsed.agency.value)''s; it can only replace '\(agency)''s",
                at: parsed.agency.location))
        }
        return (source, parsed != nil, diagnostics.sortedByLocation())
    }

    /// Replaces the agency's overrides with `document` (YAML) as revision current + 1.
    /// - Parameters:
    ///   - expecting: the revision the caller last read (`If-Match`); nil: whatever is current.
    /// - Returns: `.invalid` with located diagnostics when the document has errors or names another
    ///   agency (nothing stored); `.stale` when `expecting` is not current; `.unchanged` when the
    ///   document is the one in effect; `.changed` otherwise, with the document's warnings.
    public func change(
        agency: String, document: String, by author: String, expecting: Int?, at now: Instant
    ) async throws -> OverridesChange {
        let (source, valid, diagnostics) = check(agency: agency, document: document)
        guard valid, !diagnostics.hasErrors else { return .invalid(diagnostics, source) }
        let current = try await store.currentOverrides(agencyID: agency)
        let revision = current?.revision ?? 0
        if let expecting, expecting != revision { return .stale(current: revision) }
        if let current, current.hash == LoadedFlow.fnv1a64(document) {
            return .unchanged(view(agency: agency, stored: current))
        }
        let next = OverrideRevision(
            agencyID: agency, revision: revision + 1, source: document, changedBy: author, changedAt: now)
        do {
            try await store.saveOverrides(next)
        } catch let error as StoreError where error.code == .conflict {
            // Another change stored the same revision number first.
            return .stale(current: (try await store.currentOverrides(agencyID: agency))?.revision ?? revision)
        }
        return .changed(view(agency: agency, stored: next), warnings: diagnostics)
    }

    /// Every change of the agency's overrides, newest first, each with the settings it changed.
    public func history(agency: String) async throws -> [OverridesHistoryEntry] {
        let revisions = try await store.overrideHistory(agencyID: agency)
        var entries: [OverridesHistoryEntry] = []
        for (index, revision) in revisions.enumerated() {
            let before = index + 1 < revisions.count
                ? (try? registry.overrides(revisions[index + 1])) : registry.directory.agencies[agency]
            let after = try? registry.overrides(revision)
            entries.append(OverridesHistoryEntry(
                revision: revision, changes: SettingChange.between(before, after)))
        }
        return entries
    }

    private func view(agency: String, stored: OverrideRevision?) -> AgencyOverridesView {
        var effective: [String: [String: Value]] = [:]
        var problems: [String] = []
        for flow in registry.flowNames {
            do {
                effective[flow] = try stored.map { try registry.runtimeSettings(flow: flow, overrides: $0) }
                    ?? registry.runtimeSettings(flow: flow, agency: agency)
            } catch {
                problems.append("\(flow): \(error)")
            }
        }
        let origin: AgencyOverridesView.Origin
        if let stored {
            origin = .stored(stored)
        } else if let deployed = registry.directory.agencies[agency],
                  let file = registry.directory.sources.first(where: { $0.path == deployed.location.file }) {
            origin = .deploy(file)
        } else {
            origin = .none
        }
        return AgencyOverridesView(agency: agency, origin: origin, effective: effective, problems: problems)
    }
}
