public import FlowEngine
public import FlowRuntime

/// The travel store in memory (trips, conversations, itineraries, documents, the notification log, pending
/// delivery statuses, users' preferences and feedback): for dry-runs and tests, with the durable
/// stores' semantics (claims unique under (trip, type, key), one itinerary version per instance,
/// status precedence).
public actor InMemoryTravelStore: TravelStore {
    var tripRows: [String: TripRecord] = [:]
    var conversationRows: [ConversationTurn] = []
    var itineraryRows: [ItineraryRecord] = []
    var documentRows: [TripDocument] = []
    var notifications: [String: NotificationRow] = [:]
    /// Statuses for message ids no row carries yet.
    var pendingStatuses: [String: MessageStatusReport] = [:]
    var preferenceRows: [ProfileKey: StoredPreferences] = [:]
    var feedbackRows: [String: PlanFeedback] = [:]
    /// The standing suggestion claim per agency, user and trigger.
    var cooldownRows: [CooldownKey: CooldownClaim] = [:]

    struct NotificationRow {
        var claim: NotificationClaim
        var status: String
        var providerID: String?
        var error: String?
    }

    public init() {}

    // MARK: Trips and conversations

    public func upsertTrip(_ trip: TripRecord) async throws {
        try TripRecord.check(trip)
        tripRows[trip.id] = trip
    }

    public func trip(id: String) async throws -> TripRecord? { tripRows[id] }

    public func trips(whatsapp: String) async throws -> [TripRecord] {
        tripRows.values.filter { $0.whatsapp == whatsapp }.sorted { ($0.departureAt, $0.id) < ($1.departureAt, $1.id) }
    }

    public func appendConversation(_ turn: ConversationTurn) async throws {
        guard tripRows[turn.tripID] != nil else { throw StoreError(.notFound, "trip '\(turn.tripID)' does not exist") }
        conversationRows.append(turn)
    }

    public func conversation(tripID: String, limit: Int) async throws -> [ConversationTurn] {
        // Appended in order; a stable sort by time keeps insertion order among equal instants.
        let turns = conversationRows.enumerated().filter { $0.element.tripID == tripID }
            .sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }.map(\.element)
        return Array(turns.suffix(max(0, limit)))
    }

    // MARK: Itineraries

    public func saveItinerary(_ draft: ItineraryDraft) async throws -> ItineraryRecord {
        guard try await trip(id: draft.tripID) != nil else {
            throw StoreError(.notFound, "trip '\(draft.tripID)' does not exist")
        }
        let versions = itineraryRows.filter { $0.tripID == draft.tripID }
        if let instance = draft.instanceID,
            let saved = versions.filter({ $0.instanceID == instance }).max(by: { $0.version < $1.version }) {
            return saved
        }
        let record = ItineraryRecord(draft, version: (versions.map(\.version).max() ?? 0) + 1)
        itineraryRows.append(record)
        return record
    }

    public func latestItinerary(tripID: String) async throws -> ItineraryRecord? {
        itineraryRows.filter { $0.tripID == tripID }.max { $0.version < $1.version }
    }

    // MARK: Notification log

    static func key(_ trip: String, _ type: String, _ key: String) -> String { "\(trip)\u{1F}\(type)\u{1F}\(key)" }

    /// Atomic as an actor method without a suspension point.
    public func claimNotification(
        _ claim: NotificationClaim, caps: NotificationCaps
    ) async throws -> NotificationClaimOutcome {
        // The same check as the SQL stores' (migration 7): any type of 1 to 64 characters.
        guard (1...64).contains(claim.type.count) else {
            throw StoreError(.conflict, "notification type '\(claim.type)' must have 1 to 64 characters")
        }
        let key = Self.key(claim.tripID, claim.type, claim.key)
        guard notifications[key] == nil else { return .duplicate }
        let caps = caps.applying(to: claim.agencyID)
        let reason = caps.isEmpty ? nil : caps.exceeded(
            tripDay: caps.perTripPerDay == nil ? 0
                : counted(tripID: claim.tripID, agencyID: nil, since: NotificationCaps.dayStart(claim.at)),
            agencyHour: caps.perAgencyPerHour == nil ? 0
                : counted(tripID: nil, agencyID: claim.agencyID, since: NotificationCaps.hourStart(claim.at)),
            agencyDay: caps.perAgencyPerDay == nil ? 0
                : counted(tripID: nil, agencyID: claim.agencyID, since: NotificationCaps.dayStart(claim.at)),
            including: false)
        var row = NotificationRow(claim: claim, status: reason == nil ? "claimed" : "suppressed")
        row.error = reason
        notifications[key] = row
        return reason.map { .suppressed(reason: $0) } ?? .claimed
    }

    public func updateNotification(
        tripID: String, type: String, key: String, status: String, providerID: String?, error: String?
    ) async throws {
        let id = Self.key(tripID, type, key)
        guard notifications[id] != nil else { throw StoreError(.notFound, "notification \(type)/\(key)") }
        notifications[id]?.status = status
        if let providerID { notifications[id]?.providerID = providerID }
        notifications[id]?.error = error
        if let providerID { applyPendingStatus(providerID: providerID) }
    }

    /// Applies `NotificationStatusOrder`: only a status of higher rank replaces the logged one.
    public func updateNotificationStatus(providerID: String, status: String, errorCode: String?) async throws {
        for (id, row) in notifications
        where row.providerID == providerID && NotificationStatusOrder.supersedes(status, row.status) {
            notifications[id]?.status = status
            if let errorCode { notifications[id]?.error = errorCode }
        }
    }

    /// Rows not in `NotificationStatusOrder.uncountedForCaps`.
    public func countNotifications(tripID: String?, agencyID: String?, since: Instant) async throws -> Int {
        counted(tripID: tripID, agencyID: agencyID, since: since)
    }

    private func counted(tripID: String?, agencyID: String?, since: Instant) -> Int {
        notifications.values.filter { row in
            !NotificationStatusOrder.uncountedForCaps.contains(row.status) && row.claim.at >= since
                && (tripID == nil || row.claim.tripID == tripID) && (agencyID == nil || row.claim.agencyID == agencyID)
        }.count
    }


    public func notification(tripID: String, type: String, key: String) async throws -> NotificationLogEntry? {
        notifications[Self.key(tripID, type, key)].map { row in
            NotificationLogEntry(
                tripID: row.claim.tripID, type: row.claim.type, key: row.claim.key, instanceID: row.claim.instanceID,
                status: row.status, providerID: row.providerID, error: row.error, createdAt: row.claim.at)
        }
    }

    // MARK: Delivery statuses

    public func recordMessageStatus(_ report: MessageStatusReport) async throws -> MessageStatusOutcome {
        if notifications.values.contains(where: { $0.providerID == report.messageSid }) {
            try await updateNotificationStatus(
                providerID: report.messageSid, status: report.status, errorCode: report.errorCode)
            return .logged
        }
        let cutoff = report.retentionCutoff
        pendingStatuses = pendingStatuses.filter { $0.key == report.messageSid || $0.value.receivedAt >= cutoff }
        pendingStatuses[report.messageSid] = pendingStatuses[report.messageSid].map { report.merged(into: $0) } ?? report
        return .pending
    }

    public func pendingMessageStatus(messageSid: String) async throws -> MessageStatusReport? {
        pendingStatuses[messageSid]
    }

    /// Applies and removes the status pending for `providerID` (called as the id is recorded).
    func applyPendingStatus(providerID: String) {
        guard let pending = pendingStatuses.removeValue(forKey: providerID) else { return }
        for (id, row) in notifications
        where row.providerID == providerID && NotificationStatusOrder.supersedes(pending.status, row.status) {
            notifications[id]?.status = pending.status
            if let errorCode = pending.errorCode { notifications[id]?.error = errorCode }
        }
    }
}

extension TripRecord {
    /// The `trips` table's own checks (IATA codes of three letters), as a conflict.
    static func check(_ trip: TripRecord) throws {
        guard trip.origin.count == 3, trip.destination.count == 3 else {
            throw StoreError(.conflict, "trip '\(trip.id)': origin and destination must be 3-letter IATA codes")
        }
    }
}
