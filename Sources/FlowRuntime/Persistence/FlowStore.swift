public import FlowEngine

/// Where instances, their history, timers, the effect ledger and the notification log live.
///
/// One protocol, three implementations (in-memory for dry-runs and tests, SQLite as the
/// embedded default, PostgreSQL in production), one conformance suite that all pass.
/// Instance state is an opaque JSON document (the interpreter's `Codable` state), so the
/// store does not depend on the interpreter's types.
public protocol FlowStore: Sendable {
    /// Applies pending schema migrations; idempotent.
    func migrate() async throws

    // MARK: Definitions (content-addressed; an instance runs on the version it started with)

    func saveDefinition(_ definition: StoredDefinition) async throws
    func definition(hash: String) async throws -> StoredDefinition?

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

    // MARK: Inbox (approval decisions, external events, cancellation)

    /// Delivers an event to an instance; it becomes due at once.
    func deliver(_ event: InboxEvent) async throws
    func inbox(instanceID: String) async throws -> [InboxEvent]

    // MARK: Effect ledger

    /// Records a side effect under its idempotency key before it is performed.
    func beginEffect(_ effect: EffectRecord) async throws -> EffectBeginResult
    /// Records the outcome after it was performed.
    func completeEffect(key: String, status: EffectRecord.Status, result: Value?, providerID: String?) async throws
    /// Effects begun and never completed (`pending` older than `olderThan`), now `in_doubt`.
    func effectsInDoubt(olderThan: Instant) async throws -> [EffectRecord]

    // MARK: Notification log (semantic dedup before sending, caps, delivery status)

    /// Claims (trip, type, key) under the unique constraint; false when already claimed.
    func claimNotification(_ claim: NotificationClaim) async throws -> Bool
    /// Writes a row's status after a send. When `providerID` is set, statuses that arrived for that
    /// message id before it was recorded (`recordMessageStatus` answered `.pending`) are applied with
    /// `NotificationStatusOrder` and removed, atomically with the write.
    func updateNotification(tripID: String, type: String, key: String, status: String, providerID: String?, error: String?) async throws
    /// Applies a status to the row with this provider id (`NotificationStatusOrder`); unknown ids are ignored.
    func updateNotificationStatus(providerID: String, status: String, errorCode: String?) async throws
    /// Applies a delivery status to the row carrying `report.messageSid` like `updateNotificationStatus`;
    /// when no row carries it yet, keeps it (merged by precedence, duplicates idempotent) until
    /// `updateNotification` records that id, and deletes pending rows older than
    /// `MessageStatusReport.pendingRetention`.
    func recordMessageStatus(_ report: MessageStatusReport) async throws -> MessageStatusOutcome
    /// The status waiting for a message id no log row carries yet, or nil.
    func pendingMessageStatus(messageSid: String) async throws -> MessageStatusReport?
    /// Notifications sent (claimed and not failed) for caps: per trip or per agency since an instant.
    func countNotifications(tripID: String?, agencyID: String?, since: Instant) async throws -> Int

    // MARK: Schedules

    /// Claims one fire of a schedule trigger; false when another replica already claimed it.
    func claimScheduleFire(flow: String, trigger: Int, fireAt: Instant) async throws -> Bool
    /// The latest claimed fire of a schedule trigger (nil when it never fired): where catch-up starts.
    func lastScheduleFire(flow: String, trigger: Int) async throws -> Instant?
    /// The claimed fires of a schedule trigger at or after `since`, ascending: what the scheduler
    /// re-checks for a fire whose claimer died before creating its instance.
    func scheduleFires(flow: String, trigger: Int, since: Instant) async throws -> [Instant]

    // MARK: Travel domain (trips, conversations)

    /// Inserts the trip or updates its booking fields by id (`created_at` kept). An agency the
    /// `agencies` table does not know yet gets a row named after its id.
    func upsertTrip(_ trip: TripRecord) async throws
    func trip(id: String) async throws -> TripRecord?
    /// Every trip booked for a WhatsApp number (E.164), by departure then id.
    func trips(whatsapp: String) async throws -> [TripRecord]
    /// Appends one turn; the trip must exist (`notFound` otherwise).
    func appendConversation(_ turn: ConversationTurn) async throws
    /// The last `limit` turns of a trip, oldest first.
    func conversation(tripID: String, limit: Int) async throws -> [ConversationTurn]

    // MARK: Itineraries (versions per trip)

    /// Stores a new version of a trip's itinerary: the trip's highest version plus one (1 for the
    /// first), status `draft`. An instance saves at most one version: when `draft.instanceID` already
    /// saved one for the trip, that record is returned and nothing is written (a re-issued call after
    /// a crash does not add a version). `notFound` when the trip does not exist.
    func saveItinerary(_ draft: ItineraryDraft) async throws -> ItineraryRecord
    /// The trip's highest version, nil when none was saved.
    func latestItinerary(tripID: String) async throws -> ItineraryRecord?
}
