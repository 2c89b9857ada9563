public import FlowEngine
import Foundation
import Synchronization

/// Creates instances durably: exactly once per idempotency key, on the current definition
/// (stored by content hash). The first transition is stored with the instance. With a
/// `StartHandoff` (the daemon), an instance whose first transition calls steps is created leased
/// to this process's worker and handed to it, which performs the calls at once; without one (a
/// `flowctl start` on its own), it is due at once and whichever worker claims it performs them.
public struct InstanceStarter<Store: FlowStore>: Sendable {
    /// Why an instance could not be started (one type for every store: `InstanceStartError`).
    public typealias StartError = InstanceStartError

    public let store: Store
    public let registry: DefinitionRegistry
    /// Rung after each created instance, so an idle worker of this process claims it at once.
    public let wakeup: WorkerWakeup?
    /// Where first transitions go to this process's worker; nil: the worker claims new instances.
    public let handoff: StartHandoff?
    /// Definition hashes this starter already stored: a start then costs one round trip.
    private let stored = StoredHashes()

    public init(
        store: Store, registry: DefinitionRegistry, wakeup: WorkerWakeup? = nil, handoff: StartHandoff? = nil
    ) {
        self.store = store
        self.registry = registry
        self.wakeup = wakeup
        self.handoff = handoff
    }

    /// Starts `flow` with `input` for `agency`; with a key already used, returns the existing instance.
    /// Settings: `settings` when the caller derived them already (the event dispatcher), else
    /// `DefinitionRegistry.runtimeSettings(flow:agency:in:)` (the agency's overrides in effect now).
    public func start(
        flow name: String, input: Value, agency: String?, idempotencyKey: String?, instanceID: String? = nil,
        settings given: [String: Value]? = nil, at now: Instant
    ) async throws -> CreateInstanceResult {
        guard let loaded = registry.current(name) else {
            let known = registry.flowNames.joined(separator: ", ")
            throw StartError(message: "no flow '\(name)' in the workflow directory (flows: \(known))")
        }
        let settings: [String: Value]
        if let given {
            settings = given
        } else {
            do {
                settings = try await registry.runtimeSettings(flow: name, agency: agency, in: store)
            } catch {
                throw StartError(message: "\(error)")
            }
        }
        let definition = StoredDefinition(
            name: name, hash: loaded.contentHash, version: loaded.flow.version.value, source: loaded.source.text,
            createdAt: now)
        let known = stored.contains(definition.hash)
        if !known { try await save(definition) }
        let id = instanceID ?? UUID().uuidString.lowercased()
        let first = Interpreter(flow: loaded.flow)
            .start(instanceID: id, input: input, settings: .object(settings), agency: agency, at: now)
        let history = first.actions.compactMap { action -> HistoryEntry? in
            guard case .emit(let entry) = action else { return nil }
            return HistoryEntry(at: now, entry)
        }
        let status: InstanceStatus = InstanceStatus(rawValue: first.state.status.rawValue) ?? .running
        let calls = first.actions.compactMap { action -> StepInvocation? in
            guard case .callStep(let invocation) = action else { return nil }
            return invocation
        }
        // Handed to this process's worker: leased to it, so no other worker claims it meanwhile.
        let handing = calls.isEmpty ? nil : handoff
        // Due at once when it calls steps (else at its first timer, as the executor stores it after
        // any transition): a start that only waits costs the worker no claim and no commit.
        let wakeAt = calls.isEmpty ? first.state.nextWakeUp : now
        let record = InstanceRecord(
            id: id, flow: name, definitionHash: loaded.contentHash, agencyID: agency, status: status,
            state: try Executor<Store>.encode(first.state), settings: Value.object(settings).jsonText,
            wakeAt: status.isFinished ? nil : wakeAt, idempotencyKey: idempotencyKey, leaseOwner: handing?.owner,
            leaseUntil: handing.map { now + $0.lease }, createdAt: now, updatedAt: now)
        let result: CreateInstanceResult
        do {
            result = try await store.createInstance(record, history: history)
        } catch let error as StoreError where known && error.code == .conflict {
            // A foreign-key conflict when the remembered definition is gone (a database reset under a
            // running daemon): store it again and retry once; any other conflict recurs as it was.
            stored.forget(definition.hash)
            try await save(definition)
            result = try await store.createInstance(record, history: history)
        }
        if case .created = result {
            // A flow that starts in an approval state asks at once (after the row it references exists).
            try await ApprovalBookkeeping.recordRequests(
                in: first.actions, state: first.state, flow: name, store: store, at: now)
            // A handed start goes to the worker's relay; anything else due is for the claim loop.
            if let handing {
                handing.hand(StartHandoff.Start(record: record, flow: loaded.flow, state: first.state, calls: calls))
            } else {
                wakeup?.ring()
            }
        }
        return result
    }

    private func save(_ definition: StoredDefinition) async throws {
        try await store.saveDefinition(definition)
        stored.insert(definition.hash)
    }
}

/// The definition hashes a starter has stored (shared by its copies).
private final class StoredHashes: Sendable {
    private let hashes = Mutex<Set<String>>([])

    func contains(_ hash: String) -> Bool { hashes.withLock { $0.contains(hash) } }
    func insert(_ hash: String) { _ = hashes.withLock { $0.insert(hash) } }
    func forget(_ hash: String) { _ = hashes.withLock { $0.remove(hash) } }
}

/// Why an instance could not be started: no such flow, settings that do not resolve.
public struct InstanceStartError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public var description: String { message }

    public init(message: String) { self.message = message }
}
