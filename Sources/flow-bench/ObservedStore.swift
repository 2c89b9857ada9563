import FlowEngine
import FlowRuntime
import Foundation
import Synchronization

/// A store that forwards everything to `base` and observes commits: it counts them and reports,
/// for each instance that reaches a finished status, the wall-clock instant its final commit
/// returned (instance latency and timer lateness are measured from it). Benchmarks only.
final class ObservedStore<Base: FlowStore>: FlowStore {
    let base: Base
    let commits = Atomic<Int>(0)
    private let finished: Mutex<[String: Double]> = Mutex([:])
    private let waiters: Mutex<[String: CheckedContinuation<Double, Never>]> = Mutex([:])

    init(_ base: Base) { self.base = base }

    /// Seconds since 1970 as a Double: the clock both sides of a latency use.
    static func seconds() -> Double { Date().timeIntervalSince1970 }

    /// Waits until `id` finishes; returns the instant (seconds since 1970) its last commit returned.
    func finish(of id: String) async -> Double {
        await withCheckedContinuation { continuation in
            // Lock order finished → waiters, as in `commit`, so a finish is never missed.
            let done: Double? = finished.withLock { done in
                if let at = done.removeValue(forKey: id) { return at }
                waiters.withLock { $0[id] = continuation }
                return nil
            }
            if let done { continuation.resume(returning: done) }
        }
    }

    /// Every finish recorded so far (and forgets them), for benchmarks that do not wait per instance.
    func drainFinished() -> [String: Double] {
        finished.withLock { all in
            defer { all = [:] }
            return all
        }
    }

    func commit(_ transition: TransitionRecord, owner: String) async throws {
        try await base.commit(transition, owner: owner)
        commits.add(1, ordering: .relaxed)
        guard transition.status.isFinished else { return }
        let at = Self.seconds()
        let id = transition.instanceID
        let waiter: CheckedContinuation<Double, Never>? = finished.withLock { done in
            if let waiter = waiters.withLock({ $0.removeValue(forKey: id) }) { return waiter }
            done[id] = at
            return nil
        }
        waiter?.resume(returning: at)
    }

    func migrate() async throws { try await base.migrate() }
    func saveDefinition(_ definition: StoredDefinition) async throws { try await base.saveDefinition(definition) }
    func definition(hash: String) async throws -> StoredDefinition? { try await base.definition(hash: hash) }
    func createInstance(_ instance: InstanceRecord, history: [HistoryEntry]) async throws -> CreateInstanceResult {
        try await base.createInstance(instance, history: history)
    }
    func instance(id: String) async throws -> InstanceRecord? { try await base.instance(id: id) }
    func instanceCounts(flow: String?) async throws -> [InstanceStatus: Int] {
        try await base.instanceCounts(flow: flow)
    }
    func instances(matching filter: InstanceFilter) async throws -> [InstanceRecord] {
        try await base.instances(matching: filter)
    }
    func claimDue(now: Instant, owner: String, leaseFor: TimeSpan, limit: Int) async throws -> [InstanceRecord] {
        try await base.claimDue(now: now, owner: owner, leaseFor: leaseFor, limit: limit)
    }
    func claimBatch(now: Instant, owner: String, leaseFor: TimeSpan, limit: Int) async throws -> ClaimBatch {
        try await base.claimBatch(now: now, owner: owner, leaseFor: leaseFor, limit: limit)
    }
    func history(instanceID: String, after sequence: Int64) async throws -> [HistoryEntry] {
        try await base.history(instanceID: instanceID, after: sequence)
    }
    func deliver(_ event: InboxEvent) async throws { try await base.deliver(event) }
    func inbox(instanceID: String) async throws -> [InboxEvent] { try await base.inbox(instanceID: instanceID) }
    func beginEffect(_ effect: EffectRecord) async throws -> EffectBeginResult { try await base.beginEffect(effect) }
    func completeEffect(key: String, status: EffectRecord.Status, result: Value?, providerID: String?) async throws {
        try await base.completeEffect(key: key, status: status, result: result, providerID: providerID)
    }
    func effectsInDoubt(olderThan: Instant) async throws -> [EffectRecord] {
        try await base.effectsInDoubt(olderThan: olderThan)
    }
    func claimNotification(_ claim: NotificationClaim) async throws -> Bool { try await base.claimNotification(claim) }
    func updateNotification(
        tripID: String, type: String, key: String, status: String, providerID: String?, error: String?
    ) async throws {
        try await base.updateNotification(
            tripID: tripID, type: type, key: key, status: status, providerID: providerID, error: error)
    }
    func updateNotificationStatus(providerID: String, status: String, errorCode: String?) async throws {
        try await base.updateNotificationStatus(providerID: providerID, status: status, errorCode: errorCode)
    }
    func recordMessageStatus(_ report: MessageStatusReport) async throws -> MessageStatusOutcome {
        try await base.recordMessageStatus(report)
    }
    func pendingMessageStatus(messageSid: String) async throws -> MessageStatusReport? {
        try await base.pendingMessageStatus(messageSid: messageSid)
    }
    func countNotifications(tripID: String?, agencyID: String?, since: Instant) async throws -> Int {
        try await base.countNotifications(tripID: tripID, agencyID: agencyID, since: since)
    }
    func claimScheduleFire(flow: String, trigger: Int, fireAt: Instant) async throws -> Bool {
        try await base.claimScheduleFire(flow: flow, trigger: trigger, fireAt: fireAt)
    }
    func lastScheduleFire(flow: String, trigger: Int) async throws -> Instant? {
        try await base.lastScheduleFire(flow: flow, trigger: trigger)
    }
    func scheduleFires(flow: String, trigger: Int, since: Instant) async throws -> [Instant] {
        try await base.scheduleFires(flow: flow, trigger: trigger, since: since)
    }
    func upsertTrip(_ trip: TripRecord) async throws { try await base.upsertTrip(trip) }
    func trip(id: String) async throws -> TripRecord? { try await base.trip(id: id) }
    func trips(whatsapp: String) async throws -> [TripRecord] { try await base.trips(whatsapp: whatsapp) }
    func appendConversation(_ turn: ConversationTurn) async throws { try await base.appendConversation(turn) }
    func conversation(tripID: String, limit: Int) async throws -> [ConversationTurn] {
        try await base.conversation(tripID: tripID, limit: limit)
    }
    func saveItinerary(_ draft: ItineraryDraft) async throws -> ItineraryRecord { try await base.saveItinerary(draft) }
    func latestItinerary(tripID: String) async throws -> ItineraryRecord? {
        try await base.latestItinerary(tripID: tripID)
    }
}
