public import FlowEngine

/// A `FlowStore` in memory: for dry-runs and tests. Same semantics as the durable stores
/// (unique idempotency keys, leases with fencing, schedule fires claimed once).
/// States committed decoded by the executor (and the settings an instance starts with) are
/// encoded to their text when a record is read.
public actor InMemoryFlowStore: FlowStore, DecodedStateCommitting {
    private var definitions: [String: StoredDefinition] = [:]
    var instances: [String: InstanceRecord] = [:]
    /// Committed states whose text in `instances` is not written yet, by instance id.
    var unencoded: [String: InstanceState] = [:]
    /// Effective settings of instances created decoded whose text in `instances` is not written yet.
    var unencodedSettings: [String: Value] = [:]
    var histories: [String: [HistoryEntry]] = [:]
    var inboxes: [String: [InboxEvent]] = [:]
    private var nextInboxID: Int64 = 0
    var effects: [String: EffectRecord] = [:]
    private var fires: [String: Set<Instant>] = [:]
    /// Approvals by row id (`InMemoryFlowStore+Approvals.swift`).
    var approvalRows: [String: ApprovalRecord] = [:]
    /// `runtime_secrets` by name.
    var secrets: [String: String] = [:]
    /// Every dedup key delivered, consumed or not.
    private var deliveredKeys: Set<String> = []
    /// API keys by id (`InMemoryFlowStore+APIKeys.swift`).
    var apiKeyRecords: [String: APIKeyRecord] = [:]
    /// Agencies' overrides revisions, newest first.
    var overrideRevisions: [String: [OverrideRevision]] = [:]
    /// The erasures' audit, oldest first (`InMemoryFlowStore+Removal.swift`).
    var erasureRows: [ErasureRecord] = []

    public init() {}

    public func migrate() async throws {}

    public func saveDefinition(_ definition: StoredDefinition) async throws { definitions[definition.hash] = definition }
    public func definition(hash: String) async throws -> StoredDefinition? { definitions[hash] }

    public func definitions(name: String) async throws -> [StoredDefinition] {
        definitions.values.filter { $0.name == name }.sorted { ($1.createdAt, $0.hash) < ($0.createdAt, $1.hash) }
    }

    public func createInstance(_ instance: InstanceRecord, history: [HistoryEntry]) async throws -> CreateInstanceResult {
        if let key = instance.idempotencyKey, let existing = instances.values.first(where: { $0.idempotencyKey == key }) {
            return .existing(try encoded(existing))
        }
        guard instances[instance.id] == nil else { throw StoreError(.conflict, "instance \(instance.id) exists") }
        instances[instance.id] = instance
        histories[instance.id] = []
        append(history, to: instance.id)
        return .created(instance)
    }

    func createInstance(
        _ instance: InstanceRecord, history: [HistoryEntry], decoded state: InstanceState, settings: Value
    ) async throws -> CreateInstanceResult {
        let result = try await createInstance(instance, history: history)
        if case .created = result {
            unencoded[instance.id] = state
            unencodedSettings[instance.id] = settings
        }
        return result
    }

    public func instance(id: String) async throws -> InstanceRecord? { try instances[id].map(encoded) }

    public func instances(matching filter: InstanceFilter) async throws -> [InstanceRecord] {
        let matching = instances.values.filter { record in
            (filter.flow == nil || record.flow == filter.flow)
                && (filter.agencyID == nil || record.agencyID == filter.agencyID)
                && (filter.status == nil || record.status == filter.status)
                && (filter.createdFrom.map { record.createdAt >= $0 } ?? true)
                && (filter.createdBefore.map { record.createdAt < $0 } ?? true)
                && (filter.after.map { (record.createdAt, record.id) > ($0.createdAt, $0.id) } ?? true)
        }
        return try matching.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }.prefix(filter.limit).map(encoded)
    }

    public func instanceCounts(flow: String?) async throws -> [InstanceStatus: Int] {
        var counts: [InstanceStatus: Int] = [:]
        for record in instances.values where flow == nil || record.flow == flow { counts[record.status, default: 0] += 1 }
        return counts
    }

    public func claimDue(now: Instant, owner: String, leaseFor: TimeSpan, limit: Int) async throws -> [InstanceRecord] {
        let due = instances.values.filter { record in
            guard !record.status.isFinished else { return false }
            let leased = record.leaseOwner != nil && (record.leaseUntil ?? now) > now
            let hasInbox = !(inboxes[record.id] ?? []).isEmpty
            return !leased && (hasInbox || (record.wakeAt.map { $0 <= now } ?? false))
        }.sorted { ($0.wakeAt ?? now, $0.id) < ($1.wakeAt ?? now, $1.id) }.prefix(limit)
        return try due.map { record in
            var leased = try encoded(record)
            leased.leaseOwner = owner
            leased.leaseUntil = now + leaseFor
            instances[record.id] = leased
            return leased
        }
    }

    /// `claimDue` with each instance's pending inbox events and the next wake-up after `now`.
    public func claimBatch(now: Instant, owner: String, leaseFor: TimeSpan, limit: Int) async throws -> ClaimBatch {
        let leased = try await claimDue(now: now, owner: owner, leaseFor: leaseFor, limit: limit)
        let next = instances.values.lazy.filter { !$0.status.isFinished }.compactMap(\.wakeAt).filter { $0 > now }.min()
        return ClaimBatch(
            claimed: leased.map { ClaimBatch.Claimed(record: $0, inbox: inboxes[$0.id] ?? []) }, nextWakeAt: next)
    }

    public func commit(_ transition: TransitionRecord, owner: String) async throws {
        try apply(transition, owner: owner)
        unencoded[transition.instanceID] = nil
    }

    func commit(_ transition: TransitionRecord, decoded state: InstanceState, owner: String) async throws {
        try apply(transition, owner: owner)
        unencoded[transition.instanceID] = state
    }

    /// The record with its state and settings texts written (encoding what was committed decoded, once).
    func encoded(_ record: InstanceRecord) throws -> InstanceRecord {
        let state = unencoded[record.id]
        let settings = unencodedSettings[record.id]
        guard state != nil || settings != nil else { return record }
        var written = record
        if let state {
            written.state = try InstanceStateCoding.encode(state)
            unencoded[record.id] = nil
        }
        if let settings {
            written.settings = settings.jsonText
            unencodedSettings[record.id] = nil
        }
        instances[record.id] = written
        return written
    }

    private func apply(_ transition: TransitionRecord, owner: String) throws {
        // The record is changed where it is stored: one lookup, no copy of the record.
        guard let index = instances.index(forKey: transition.instanceID) else {
            throw StoreError(.notFound, "instance \(transition.instanceID)")
        }
        let stored = instances.values[index]
        if let holder = stored.leaseOwner, holder != owner, (stored.leaseUntil ?? transition.at) > transition.at {
            throw StoreError(.leaseLost, "instance \(transition.instanceID) is leased by another owner")
        }
        update(&instances.values[index], with: transition, owner: owner)
        append(transition.history, to: transition.instanceID)
        guard !transition.consumedEvents.isEmpty else { return }
        let consumed = Set(transition.consumedEvents)
        inboxes[transition.instanceID]?.removeAll { consumed.contains($0.id) }
    }

    private func update(_ record: inout InstanceRecord, with transition: TransitionRecord, owner: String) {
        record.status = transition.status
        record.state = transition.state
        record.wakeAt = transition.wakeAt
        record.updatedAt = transition.at
        record.leaseOwner = transition.keepLeaseUntil == nil ? nil : owner
        record.leaseUntil = transition.keepLeaseUntil
    }

    public func history(instanceID: String, after sequence: Int64) async throws -> [HistoryEntry] {
        let timeline = histories[instanceID] ?? []
        // Sequences increase from 1: when the first entry is after `sequence`, all are (no copy, no filter).
        if let first = timeline.first, first.sequence > sequence { return timeline }
        return timeline.filter { $0.sequence > sequence }
    }

    public func annotate(instanceID: String, _ entries: [HistoryEntry]) async throws {
        guard instances[instanceID] != nil else { throw StoreError(.notFound, "instance \(instanceID)") }
        append(entries, to: instanceID)
    }

    private func append(_ entries: [HistoryEntry], to instanceID: String) {
        guard !entries.isEmpty else { return }
        // In place (copying the timeline out and back on every commit made appends quadratic),
        // with one lookup of the instance's timeline for all the entries.
        Self.append(entries, to: &histories[instanceID, default: []])
    }

    private static func append(_ entries: [HistoryEntry], to timeline: inout [HistoryEntry]) {
        var next = Int64(timeline.count)
        for var entry in entries {
            next += 1
            entry.sequence = next
            timeline.append(entry)
        }
    }

    public func deliver(_ event: InboxEvent) async throws {
        // Like the SQL stores' UNIQUE (dedup_key), a key once delivered stays taken after it is consumed.
        if let key = event.dedupKey, !deliveredKeys.insert(key).inserted { return }
        nextInboxID += 1
        var stored = event
        stored.id = nextInboxID
        inboxes[event.instanceID, default: []].append(stored)
    }

    public func inbox(instanceID: String) async throws -> [InboxEvent] { inboxes[instanceID] ?? [] }

    public func beginEffect(_ effect: EffectRecord) async throws -> EffectBeginResult {
        guard let existing = effects[effect.key] else {
            effects[effect.key] = effect
            return .started
        }
        switch existing.status {
        case .done: return .done(existing)
        case .failed: return .failed(existing)
        case .pending, .inDoubt: return .inDoubt(existing)
        }
    }

    public func completeEffect(key: String, status: EffectRecord.Status, result: Value?, providerID: String?) async throws {
        guard var effect = effects[key] else { throw StoreError(.notFound, "effect \(key)") }
        effect.status = status
        effect.result = result
        effect.providerID = providerID
        effects[key] = effect
    }

    public func effectsInDoubt(olderThan: Instant) async throws -> [EffectRecord] {
        effects.values.filter { ($0.status == .pending || $0.status == .inDoubt) && $0.startedAt < olderThan }
            .sorted { $0.key < $1.key }
    }

    public func claimScheduleFire(flow: String, trigger: Int, fireAt: Instant) async throws -> Bool {
        fires["\(flow)#\(trigger)", default: []].insert(fireAt).inserted
    }

    public func lastScheduleFire(flow: String, trigger: Int) async throws -> Instant? {
        fires["\(flow)#\(trigger)"]?.max()
    }

    public func scheduleFires(flow: String, trigger: Int, since: Instant) async throws -> [Instant] {
        (fires["\(flow)#\(trigger)"] ?? []).filter { $0 >= since }.sorted()
    }
}
