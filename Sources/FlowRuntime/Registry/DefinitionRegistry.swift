public import FlowEngine
import Synchronization

/// The flows a daemon runs: the workflow directory's current versions, stored by content hash,
/// and older versions parsed back from the store so an instance runs to its end on the
/// definition it started with.
public final class DefinitionRegistry: Sendable {
    /// Why a definition could not be resolved.
    public struct ResolutionError: Error, Sendable, Hashable, CustomStringConvertible {
        public var hash: String
        public var message: String
        public var description: String { "definition \(hash): \(message)" }
    }

    /// The loaded workflow directory (current versions, agency overrides).
    public let directory: WorkflowDirectory
    public let catalogue: StepCatalogue
    private let cache: Mutex<[String: Flow]>
    /// Stored overrides documents already parsed, by content hash.
    private let parsedOverrides = Mutex<[String: AgencyOverrides]>([:])

    /// Wraps an already loaded directory; call `publish(to:)` to store its definitions.
    public init(directory: WorkflowDirectory, catalogue: StepCatalogue = .standard) {
        self.directory = directory
        self.catalogue = catalogue
        var flows: [String: Flow] = [:]
        for loaded in directory.flows.values { flows[loaded.contentHash] = loaded.flow }
        self.cache = Mutex(flows)
    }

    /// Loads `path` (flows and agency overrides).
    public convenience init(path: String, catalogue: StepCatalogue = .standard) {
        self.init(directory: WorkflowDirectory.load(path: path, catalogue: catalogue), catalogue: catalogue)
    }

    /// Names of the flows loaded from the directory.
    public var flowNames: [String] { directory.flows.keys.sorted() }

    /// The current version of a flow: its model and content hash.
    public func current(_ name: String) -> LoadedFlow? { directory.flows[name] }

    /// The settings an instance of `flow` runs with for `agency`: the agency's overrides when
    /// `workflows/agencies/` has a document for it, the flow's defaults otherwise (most agencies
    /// override nothing; the agency id still belongs to the instance: credentials, caps, the log).
    /// - Throws: `WorkflowDirectory.SettingsError` for an unknown flow or an override that does not fit.
    public func runtimeSettings(flow name: String, agency: String?) throws -> [String: Value] {
        let overridden = agency.flatMap { directory.agencies[$0] != nil ? $0 : nil }
        return try directory.effectiveSettings(flow: name, agency: overridden)
    }

    /// The settings an instance of `flow` starts with for `agency` now: the agency's overrides as
    /// last changed without a deploy (`OverrideStore`) when it has such a revision, else as
    /// `runtimeSettings(flow:agency:)`. Read at every start, so a change applies to the next
    /// instance on every daemon, with no restart; running instances keep theirs.
    public func runtimeSettings(flow name: String, agency: String?, in store: some OverrideStore) async throws
        -> [String: Value]
    {
        var stored: OverrideRevision?
        if let agency { stored = try await store.currentOverrides(agencyID: agency) }
        return try runtimeSettings(flow: name, agency: agency, stored: stored)
    }

    /// The settings of `flow` for `agency` given its stored revision as already read (nil: none
    /// stored, the deploy's file or the defaults apply).
    public func runtimeSettings(flow name: String, agency: String?, stored: OverrideRevision?) throws -> [String: Value] {
        guard let stored else { return try runtimeSettings(flow: name, agency: agency) }
        return try runtimeSettings(flow: name, overrides: stored)
    }

    /// The settings of `flow` under a stored overrides revision.
    /// - Throws: `WorkflowDirectory.SettingsError`: an unknown flow, a stored document that no longer
    ///   parses or no longer fits the flow (a deploy changed the flow after the document was stored).
    public func runtimeSettings(flow name: String, overrides stored: OverrideRevision) throws -> [String: Value] {
        var withStored = directory
        withStored.agencies[stored.agencyID] = try overrides(stored)
        return try withStored.effectiveSettings(flow: name, agency: stored.agencyID)
    }

    /// A stored overrides document, parsed once per content hash.
    public func overrides(_ stored: OverrideRevision) throws -> AgencyOverrides {
        if let parsed = parsedOverrides.withLock({ $0[stored.hash] }) { return parsed }
        let source = SourceFile(path: "agencies/\(stored.agencyID).yaml@\(stored.revision)", text: stored.source)
        let (parsed, diagnostics) = AgencyOverridesLoader.load(source)
        guard let parsed, !diagnostics.hasErrors else {
            let first = diagnostics.first.map(\.description) ?? "not an agency document"
            throw WorkflowDirectory.SettingsError(
                code: .invalidOverride, message: "stored overrides revision \(stored.revision): \(first)")
        }
        parsedOverrides.withLock { $0[stored.hash] = parsed }
        return parsed
    }

    /// Saves every loaded flow's definition (idempotent: definitions are keyed by content hash).
    public func publish(to store: some FlowStore, at now: Instant) async throws {
        for name in flowNames {
            guard let loaded = directory.flows[name] else { continue }
            try await store.saveDefinition(StoredDefinition(
                name: name, hash: loaded.contentHash, version: loaded.flow.version.value, source: loaded.source.text,
                createdAt: now))
        }
    }

    /// The flow an instance with `hash` runs: from memory, else parsed from the stored source.
    public func flow(hash: String, store: some FlowStore) async throws -> Flow {
        if let flow = cache.withLock({ $0[hash] }) { return flow }
        guard let stored = try await store.definition(hash: hash) else {
            throw ResolutionError(hash: hash, message: "no stored definition with this hash")
        }
        let (parsed, diagnostics) = FlowValidator(catalogue: catalogue)
            .validate(SourceFile(path: "definition:\(stored.name)@\(hash)", text: stored.source))
        guard let flow = parsed else {
            let first = diagnostics.first.map { "\($0.message)" } ?? "unknown problem"
            throw ResolutionError(hash: hash, message: "stored source no longer validates: \(first)")
        }
        cache.withLock { $0[hash] = flow }
        return flow
    }
}
