public import FlowEngine

/// Where the runtime keeps its state: every concern's store on one backend, plus its schema.
///
/// Three implementations (in-memory for dry-runs and tests, SQLite as the embedded default,
/// PostgreSQL in production); each concern has its own conformance checks that all pass.
/// Instance state is an opaque JSON document (the interpreter's `Codable` state), so the
/// store does not depend on the interpreter's types. A product's stores (the travel product's
/// stores) live in the product and extend the same backends.
public protocol FlowStore: InstanceStore, EffectStore, ScheduleStore, ApprovalStore, APIKeyStore, OverrideStore {
    /// Applies pending schema migrations; idempotent.
    func migrate() async throws
}

/// Definitions, instances with their claims (leases), history (the timeline) and inbox.
public protocol InstanceStore: Sendable {
    // MARK: Definitions (content-addressed; an instance runs on the version it started with)

    func saveDefinition(_ definition: StoredDefinition) async throws
    func definition(hash: String) async throws -> StoredDefinition?
    /// Every stored version of the flow `name`, newest first.
    func definitions(name: String) async throws -> [StoredDefinition]

    // MARK: Instances

    /// Creates an instance unless one with the same `idempotencyKey` exists; returns the stored one.
    func createInstance(_ instance: InstanceRecord, history: [HistoryEntry]) async throws -> CreateInstanceResult
    func instance(id: String) async throws -> InstanceRecord?
    func instances(matching filter: InstanceFilter) async throws -> [InstanceRecord]
    /// How many instances (of `flow`, or of every flow) are in each status; absent statuses are omitted.
    func instanceCounts(flow: String?) async throws -> [InstanceStatus: Int]

    /// Leases up to `limit` instances that are due (`wakeAt <= now`, or with undelivered inbox
    /// events) and not leased by a live owner. Expired leases are reclaimed.
    func claimDue(now: Instant, owner: String, leaseFor: TimeSpan, limit: Int) async throws -> [InstanceRecord]

    /// Leases like `claimDue` and returns, in the same round trip, each leased instance's
    /// undelivered inbox events and the earliest wake-up after `now` (what the worker needs to
    /// run the batch and, when it is empty, to know how long it may sleep).
    func claimBatch(now: Instant, owner: String, leaseFor: TimeSpan, limit: Int) async throws -> ClaimBatch

    /// Persists one transition atomically: the new state, status and wake-up, appended history,
    /// consumed inbox events; releases or extends the lease. Fails with `StoreError.leaseLost`
    /// when `owner` no longer holds the lease (fencing).
    func commit(_ transition: TransitionRecord, owner: String) async throws

    /// The append-only history (the timeline) of an instance after a sequence number.
    func history(instanceID: String, after sequence: Int64) async throws -> [HistoryEntry]

    /// Appends entries to an instance's timeline outside a transition — an annotation, such as a
    /// user's feedback on a job — numbered after its last entry, in any status; its state, status,
    /// wake-up and lease are untouched. `notFound` when there is no such instance.
    func annotate(instanceID: String, _ entries: [HistoryEntry]) async throws

    // MARK: Inbox (approval decisions, external events, cancellation)

    /// Delivers an event to an instance; it becomes due at once.
    func deliver(_ event: InboxEvent) async throws
    func inbox(instanceID: String) async throws -> [InboxEvent]

}

/// The effect ledger: a side effect is recorded under its key before it is performed.
public protocol EffectStore: Sendable {
    /// Records a side effect under its idempotency key before it is performed.
    func beginEffect(_ effect: EffectRecord) async throws -> EffectBeginResult
    /// Records the outcome after it was performed.
    func completeEffect(key: String, status: EffectRecord.Status, result: Value?, providerID: String?) async throws
    /// Effects begun and never completed (`pending` older than `olderThan`), now `in_doubt`.
    func effectsInDoubt(olderThan: Instant) async throws -> [EffectRecord]
}

/// Schedule fires: one row per fire time, so replicas never fire twice.
public protocol ScheduleStore: Sendable {
    /// Claims one fire of a schedule trigger; false when another replica already claimed it.
    func claimScheduleFire(flow: String, trigger: Int, fireAt: Instant) async throws -> Bool
    /// The latest claimed fire of a schedule trigger (nil when it never fired): where catch-up starts.
    func lastScheduleFire(flow: String, trigger: Int) async throws -> Instant?
    /// The claimed fires of a schedule trigger at or after `since`, ascending: what the scheduler
    /// re-checks for a fire whose claimer died before creating its instance.
    func scheduleFires(flow: String, trigger: Int, since: Instant) async throws -> [Instant]
}
