public import FlowEngine
import Foundation

/// Creates instances durably: exactly once per idempotency key, on the current definition
/// (stored by content hash). The first transition is stored with the instance and it is due at
/// once, so a worker performs its first step calls.
public struct InstanceStarter<Store: FlowStore>: Sendable {
    /// Why an instance could not be started.
    public struct StartError: Error, Sendable, Hashable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    public let store: Store
    public let registry: DefinitionRegistry

    public init(store: Store, registry: DefinitionRegistry) {
        self.store = store
        self.registry = registry
    }

    /// Starts `flow` with `input` for `agency`; with a key already used, returns the existing instance.
    public func start(
        flow name: String, input: Value, agency: String?, idempotencyKey: String?, instanceID: String? = nil,
        at now: Instant
    ) async throws -> CreateInstanceResult {
        guard let loaded = registry.current(name) else {
            let known = registry.flowNames.joined(separator: ", ")
            throw StartError(message: "no flow '\(name)' in the workflow directory (flows: \(known))")
        }
        let settings: [String: Value]
        do {
            settings = try registry.directory.effectiveSettings(flow: name, agency: agency)
        } catch {
            throw StartError(message: "\(error)")
        }
        try await store.saveDefinition(StoredDefinition(
            name: name, hash: loaded.contentHash, version: loaded.flow.version.value, source: loaded.source.text,
            createdAt: now))
        let id = instanceID ?? UUID().uuidString.lowercased()
        let first = Interpreter(flow: loaded.flow)
            .start(instanceID: id, input: input, settings: .object(settings), agency: agency, at: now)
        let history = first.actions.compactMap { action -> HistoryEntry? in
            guard case .emit(let note) = action else { return nil }
            return HistoryEntry(at: now, kind: note.kind, details: .object(note.details))
        }
        let status: InstanceStatus = InstanceStatus(rawValue: first.state.status.rawValue) ?? .running
        let record = InstanceRecord(
            id: id, flow: name, definitionHash: loaded.contentHash, agencyID: agency, status: status,
            state: try Executor<Store>.encode(first.state), settings: Value.object(settings).jsonText,
            wakeAt: status.isFinished ? nil : now, idempotencyKey: idempotencyKey, createdAt: now, updatedAt: now)
        return try await store.createInstance(record, history: history)
    }
}
