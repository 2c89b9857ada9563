public import FlowEngine

/// A store that wraps another (`base`) and changes or observes some of its operations: every
/// operation it does not implement itself goes to `base` unchanged. Benchmarks count commits
/// through one, tests inject outages through one; a new `FlowStore` operation is forwarded here
/// once for all of them.
public protocol FlowStoreDecorator: FlowStore {
    associatedtype Base: FlowStore
    /// The store every operation not implemented by the decorator goes to.
    var base: Base { get }
}

extension FlowStoreDecorator {
    public func migrate() async throws { try await base.migrate() }

    public func saveDefinition(_ definition: StoredDefinition) async throws { try await base.saveDefinition(definition) }
    public func definition(hash: String) async throws -> StoredDefinition? { try await base.definition(hash: hash) }
    public func definitions(name: String) async throws -> [StoredDefinition] { try await base.definitions(name: name) }

    public func createInstance(_ instance: InstanceRecord, history: [HistoryEntry]) async throws -> CreateInstanceResult {
        try await base.createInstance(instance, history: history)
    }
    public func instance(id: String) async throws -> InstanceRecord? { try await base.instance(id: id) }
    public func instances(matching filter: InstanceFilter) async throws -> [InstanceRecord] {
        try await base.instances(matching: filter)
    }
    public func instanceCounts(flow: String?) async throws -> [InstanceStatus: Int] {
        try await base.instanceCounts(flow: flow)
    }
    public func claimDue(now: Instant, owner: String, leaseFor: TimeSpan, limit: Int) async throws -> [InstanceRecord] {
        try await base.claimDue(now: now, owner: owner, leaseFor: leaseFor, limit: limit)
    }
    public func claimBatch(now: Instant, owner: String, leaseFor: TimeSpan, limit: Int) async throws -> ClaimBatch {
        try await base.claimBatch(now: now, owner: owner, leaseFor: leaseFor, limit: limit)
    }
    public func commit(_ transition: TransitionRecord, owner: String) async throws {
        try await base.commit(transition, owner: owner)
    }
    public func history(instanceID: String, after sequence: Int64) async throws -> [HistoryEntry] {
        try await base.history(instanceID: instanceID, after: sequence)
    }
    public func annotate(instanceID: String, _ entries: [HistoryEntry]) async throws {
        try await base.annotate(instanceID: instanceID, entries)
    }

    public func deliver(_ event: InboxEvent) async throws { try await base.deliver(event) }
    public func inbox(instanceID: String) async throws -> [InboxEvent] { try await base.inbox(instanceID: instanceID) }

    public func beginEffect(_ effect: EffectRecord) async throws -> EffectBeginResult { try await base.beginEffect(effect) }
    public func completeEffect(key: String, status: EffectRecord.Status, result: Value?, providerID: String?)
        async throws
    {
        try await base.completeEffect(key: key, status: status, result: result, providerID: providerID)
    }
    public func effectsInDoubt(olderThan: Instant) async throws -> [EffectRecord] {
        try await base.effectsInDoubt(olderThan: olderThan)
    }

    public func claimScheduleFire(flow: String, trigger: Int, fireAt: Instant) async throws -> Bool {
        try await base.claimScheduleFire(flow: flow, trigger: trigger, fireAt: fireAt)
    }
    public func lastScheduleFire(flow: String, trigger: Int) async throws -> Instant? {
        try await base.lastScheduleFire(flow: flow, trigger: trigger)
    }
    public func scheduleFires(flow: String, trigger: Int, since: Instant) async throws -> [Instant] {
        try await base.scheduleFires(flow: flow, trigger: trigger, since: since)
    }

    public func createAPIKey(_ key: APIKeyRecord) async throws { try await base.createAPIKey(key) }
    public func apiKey(id: String) async throws -> APIKeyRecord? { try await base.apiKey(id: id) }
    public func apiKeys(agencyID: String?) async throws -> [APIKeyRecord] { try await base.apiKeys(agencyID: agencyID) }
    public func revokeAPIKey(id: String, at: Instant) async throws -> Bool {
        try await base.revokeAPIKey(id: id, at: at)
    }

    public func saveOverrides(_ revision: OverrideRevision) async throws { try await base.saveOverrides(revision) }
    public func currentOverrides(agencyID: String) async throws -> OverrideRevision? {
        try await base.currentOverrides(agencyID: agencyID)
    }
    public func overrideHistory(agencyID: String) async throws -> [OverrideRevision] {
        try await base.overrideHistory(agencyID: agencyID)
    }
}
