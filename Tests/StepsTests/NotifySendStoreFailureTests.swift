import FakeProviders
import FlowEngine
import FlowRuntime
import Travel
import Steps
import Synchronization
import Testing

/// An in-memory travel store whose notification-log operations fail while listed in `failing` (a
/// database outage); everything else goes to `base`.
final class FlakyStore: TravelStore {
    struct Outage: Error, CustomStringConvertible {
        var operation: String
        var description: String { "store unreachable (\(operation))" }
    }

    let base = InMemoryTravelStore()
    let failing = Mutex<Set<String>>([])

    func fail(_ operations: Set<String>) { failing.withLock { $0 = operations } }
    private func check(_ operation: String) throws {
        if failing.withLock({ $0.contains(operation) }) { throw Outage(operation: operation) }
    }

    func purgeConversations(before cutoff: Instant, limit: Int) async throws -> Int {
        try await base.purgeConversations(before: cutoff, limit: limit)
    }
    func purgeNotificationLog(before cutoff: Instant, limit: Int) async throws -> Int {
        try await base.purgeNotificationLog(before: cutoff, limit: limit)
    }
    func purgeDocuments(before cutoff: Instant, limit: Int) async throws -> Int {
        try await base.purgeDocuments(before: cutoff, limit: limit)
    }
    func travellerTrace(phone: String?, tripID: String?, agency: String?) async throws -> TravellerTrace {
        try await base.travellerTrace(phone: phone, tripID: tripID, agency: agency)
    }
    func eraseTraveller(tripIDs: [String], phone: String?, agency: String?) async throws -> [String: Int] {
        try await base.eraseTraveller(tripIDs: tripIDs, phone: phone, agency: agency)
    }
    func claimNotification(_ claim: NotificationClaim, caps: NotificationCaps) async throws -> NotificationClaimOutcome {
        try check("claimNotification")
        return try await base.claimNotification(claim, caps: caps)
    }
    func updateNotification(
        tripID: String, type: String, key: String, status: String, providerID: String?, error: String?
    ) async throws {
        try check("updateNotification")
        try await base.updateNotification(tripID: tripID, type: type, key: key, status: status, providerID: providerID,
                                          error: error)
    }
    func updateNotificationStatus(providerID: String, status: String, errorCode: String?) async throws {
        try await base.updateNotificationStatus(providerID: providerID, status: status, errorCode: errorCode)
    }
    func recordMessageStatus(_ report: MessageStatusReport) async throws -> MessageStatusOutcome {
        try check("recordMessageStatus")
        return try await base.recordMessageStatus(report)
    }
    func pendingMessageStatus(messageSid: String) async throws -> MessageStatusReport? {
        try await base.pendingMessageStatus(messageSid: messageSid)
    }
    func countNotifications(tripID: String?, agencyID: String?, since: Instant) async throws -> Int {
        try check("countNotifications")
        return try await base.countNotifications(tripID: tripID, agencyID: agencyID, since: since)
    }
    func notification(tripID: String, type: String, key: String) async throws -> NotificationLogEntry? {
        try await base.notification(tripID: tripID, type: type, key: key)
    }
    func upsertTrip(_ trip: TripRecord) async throws { try await base.upsertTrip(trip) }
    func trip(id: String) async throws -> TripRecord? { try await base.trip(id: id) }
    func trips(whatsapp: String) async throws -> [TripRecord] { try await base.trips(whatsapp: whatsapp) }
    func appendConversation(_ turn: ConversationTurn) async throws { try await base.appendConversation(turn) }
    func conversation(tripID: String, limit: Int) async throws -> [ConversationTurn] {
        try await base.conversation(tripID: tripID, limit: limit)
    }
    func saveItinerary(_ draft: ItineraryDraft) async throws -> ItineraryRecord { try await base.saveItinerary(draft) }
    func recordDocument(_ document: TripDocument) async throws -> Bool { try await base.recordDocument(document) }
    func document(id: String) async throws -> TripDocument? { try await base.document(id: id) }
    func documents(tripID: String, after: DocumentCursor?, limit: Int) async throws -> [TripDocument] {
        try await base.documents(tripID: tripID, after: after, limit: limit)
    }
    func deleteDocument(id: String) async throws -> Bool { try await base.deleteDocument(id: id) }
    func preferences(agencyID: String?, userID: String) async throws -> StoredPreferences? {
        try await base.preferences(agencyID: agencyID, userID: userID)
    }
    func savePreferences(_ preferences: StoredPreferences) async throws { try await base.savePreferences(preferences) }
    func saveFeedback(_ feedback: PlanFeedback) async throws { try await base.saveFeedback(feedback) }
    func feedback(agencyID: String?, userID: String, limit: Int) async throws -> [PlanFeedback] {
        try await base.feedback(agencyID: agencyID, userID: userID, limit: limit)
    }
    func claimSuggestion(
        agencyID: String?, userID: String, trigger: String, instanceID: String, at now: Instant, coolDown: TimeSpan
    ) async throws -> SuggestionClaim {
        try await base.claimSuggestion(
            agencyID: agencyID, userID: userID, trigger: trigger, instanceID: instanceID, at: now, coolDown: coolDown)
    }
    func latestItinerary(tripID: String) async throws -> ItineraryRecord? { try await base.latestItinerary(tripID: tripID) }
}

/// A settable clock for the worker.
final class ManualClock: Sendable {
    private let current: Mutex<Instant>
    init(_ start: Instant) { current = Mutex(start) }
    var now: Instant { current.withLock { $0 } }
    func advance(_ span: TimeSpan) { current.withLock { $0 = $0 + span } }
}

/// `notify.send` when the notification log is unreachable: no retry attempt is spent, nothing is
/// sent twice, nothing is lost.
@Suite("notify.send under store failures")
struct NotifySendStoreFailureTests {
    static let contentSid = "HX" + String(repeating: "a", count: 32)
    static let call = StepCall(
        arguments: ["trip_id": "T1", "type": "REMINDER_24H", "key": "k", "to": "+5491155550000",
                    "template": "recordatorio", "content_sid": .string(contentSid), "variables": ["1": "Ana"],
                    "caps": ["per_trip_per_day": 3]],
        idempotencyKey: "T1/REMINDER_24H/k")

    static func step(_ store: FlakyStore) -> NotifySendStep<FlakyStore> { NotifySendStep(store: store) }

    /// A call of instance i1; `rerun` as the effect ledger sets it when it re-issues an effect it knew.
    static func context(_ fake: FakeProviderServer, callID: String = "i1/c1", rerun: Bool = false) -> StepContext {
        var context = TestSupport.context(fake)
        context.instanceID = "i1"
        context.callID = callID
        context.rerun = rerun
        return context
    }

    /// The caps are counted inside the claim (one store operation), so the claim is the one store
    /// call before a first send.
    @Test("a store failure before the send throws and sends nothing; the re-issued call sends once",
          arguments: ["claimNotification"])
    func failureBeforeSend(_ operation: String) async throws {
        let fake = FakeProviderServer()
        let store = FlakyStore()
        store.fail([operation])
        await #expect(throws: FlakyStore.Outage.self) {
            _ = try await Self.step(store).perform(Self.call, context: Self.context(fake))
        }
        #expect(fake.acceptedCount == 0)
        store.fail([])
        // The ledger left the effect pending: it re-issues it as a rerun.
        let first = try await Self.step(store).perform(Self.call, context: Self.context(fake, rerun: true))
        #expect(first.value?["status"] == "sent")
        #expect(fake.acceptedCount == 1)
        // Re-issued once more (a lost commit): answered from the log, not sent again.
        let again = try await Self.step(store).perform(Self.call, context: Self.context(fake, rerun: true))
        #expect(again.value?["status"] == "sent")
        #expect(again.value?["sid"] == first.value?["sid"])
        #expect(fake.acceptedCount == 1)
        // Another call with the same claim is a duplicate.
        let other = try await Self.step(store).perform(Self.call, context: Self.context(fake, callID: "i1/c9"))
        #expect(other.value?["status"] == "duplicate")
        #expect(fake.acceptedCount == 1)
    }

    @Test("a store failure after the provider accepted keeps the send; the re-issue finds it at Twilio")
    func failureAfterSend() async throws {
        let fake = FakeProviderServer()
        let store = FlakyStore()
        store.fail(["updateNotification"])
        let first = try await Self.step(store).perform(Self.call, context: Self.context(fake))
        #expect(first.value?["status"] == "sent")
        #expect(fake.acceptedCount == 1)
        #expect(try await store.notification(tripID: "T1", type: "REMINDER_24H", key: "k")?.status == "claimed")
        store.fail([])
        // The outage that lost the log's update lost the ledger's completion too: a rerun.
        let again = try await Self.step(store).perform(Self.call, context: Self.context(fake, rerun: true))
        #expect(again.value?["status"] == "sent")
        #expect(again.value?["sid"] == first.value?["sid"])
        #expect(fake.acceptedCount == 1)
        let row = try await store.notification(tripID: "T1", type: "REMINDER_24H", key: "k")
        #expect(row?.status == "sent")
        #expect(row?.providerID == first.value?["sid"]?.stringValue)
    }

    @Test("outside the runtime (run) a store failure is a transient step failure")
    func runMapsToTransient() async throws {
        let fake = FakeProviderServer()
        let store = FlakyStore()
        store.fail(["claimNotification"])
        let outcome = await Self.step(store).run(Self.call, context: Self.context(fake))
        #expect(outcome.failure?.code == "store.unavailable")
        #expect(outcome.failure?.errorClass == .transient)
    }

    static let flow = """
        flow: remind
        version: 1
        start: send
        states:
          send:
            step: notify.send
            with:
              trip_id: T1
              type: REMINDER_24H
              to: "+5491155550000"
              template: recordatorio
              content_sid: \(contentSid)
              variables: { "1": "Ana" }
            idempotency_key: "T1/REMINDER_24H"
            retry: { max_attempts: 1 }
            propagates: [permanent, limit]
            next: done
          done:
            succeed: true
        """

    @Test("in the worker a store outage spends no retry attempt: the instance resumes and sends once")
    func workerKeepsRetryBudget() async throws {
        let fake = FakeProviderServer()
        let store = InMemoryFlowStore()
        let log = FlakyStore()
        let directory = WorkflowDirectory.load(
            flows: [SourceFile(path: "remind.yaml", text: Self.flow)], agencies: [], catalogue: .standard)
        #expect(!directory.diagnostics.hasErrors, "\(directory.diagnostics)")
        let registry = DefinitionRegistry(directory: directory)
        let start = Instant(iso8601: "2026-07-08T10:00:00Z")!
        let clock = ManualClock(start)
        _ = try await InstanceStarter(store: store, registry: registry)
            .start(flow: "remind", input: [:], agency: nil, idempotencyKey: "r", at: start)
        let worker = InstanceWorker(
            store: store, registry: registry, steps: StepRegistry.providers().adding(TravelProduct.steps(log)),
            transport: fake, credentials: fake.credentials, endpoints: .local("http://fake.local"),
            configuration: .init(owner: "w", lease: .seconds(60)), clock: { clock.now })
        log.fail(["claimNotification"])
        #expect(try await worker.runOnce() == 1)
        #expect(fake.acceptedCount == 0)
        let interrupted = try #require(try await store.instances(matching: InstanceFilter()).first)
        #expect(interrupted.status == .running)  // not failed: max_attempts 1 was not used up
        log.fail([])
        clock.advance(.minutes(2))  // the lease of the interrupted run expires
        #expect(try await worker.runOnce() == 1)
        #expect(fake.acceptedCount == 1)
        #expect(try await store.instances(matching: InstanceFilter()).first?.status == .succeeded)
    }
}
