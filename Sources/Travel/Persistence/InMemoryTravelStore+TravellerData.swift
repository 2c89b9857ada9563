public import FlowEngine
public import FlowRuntime

/// Retention and erasure of the travel records in memory (this store does not see the runtime's
/// instances, so its notification-log purge keeps no row back for a running instance).
extension InMemoryTravelStore: TravellerDataStore {
    public func purgeConversations(before cutoff: Instant, limit: Int) async throws -> Int {
        let due = conversationRows.enumerated().filter { $0.element.at < cutoff }
            .sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }.prefix(max(0, limit)).map(\.offset)
        let doomed = Set(due)
        conversationRows = conversationRows.enumerated().filter { !doomed.contains($0.offset) }.map(\.element)
        return doomed.count
    }

    public func purgeDocuments(before cutoff: Instant, limit: Int) async throws -> Int {
        let due = documentRows.filter { document in
            (document.tripID.flatMap { tripRows[$0]?.departureAt } ?? document.receivedAt) < cutoff
        }.sorted { ($0.receivedAt, $0.id) < ($1.receivedAt, $1.id) }.prefix(max(0, limit)).map(\.id)
        let doomed = Set(due)
        documentRows.removeAll { doomed.contains($0.id) }
        return doomed.count
    }

    public func purgeNotificationLog(before cutoff: Instant, limit: Int) async throws -> Int {
        let due = notifications.filter { $0.value.claim.at < cutoff }
            .sorted { ($0.value.claim.at, $0.key) < ($1.value.claim.at, $1.key) }.prefix(max(0, limit)).map(\.key)
        for key in due { notifications[key] = nil }
        return due.count
    }

    public func travellerTrace(phone: String?, tripID: String?, agency: String?) async throws -> TravellerTrace {
        var trace = TravellerTrace()
        for trip in tripRows.values.sorted(by: { $0.id < $1.id })
        where (phone == nil || trip.whatsapp == phone) && (tripID == nil || trip.id == tripID)
            && (agency == nil || trip.agencyID == agency || trip.agencyID == nil) {
            trace.tripIDs.append(trip.id)
            trace.phones.insert(trip.whatsapp)
            if let instance = trip.instanceID { trace.instanceIDs.insert(instance) }
        }
        let logKeys = Set(trace.tripIDs + inboundTripIDs(phone))
        for itinerary in itineraryRows where logKeys.contains(itinerary.tripID) {
            if let instance = itinerary.instanceID { trace.instanceIDs.insert(instance) }
        }
        for row in notifications.values where logKeys.contains(row.claim.tripID) {
            if let instance = row.claim.instanceID { trace.instanceIDs.insert(instance) }
        }
        if let phone {
            for feedback in feedbackRows.values where feedback.userID == phone && inAgency(feedback.agencyID, agency) {
                trace.instanceIDs.insert(feedback.jobID)
            }
            for (key, claim) in cooldownRows where key.userID == phone && inAgency(key.agencyID, agency) {
                trace.instanceIDs.insert(claim.instanceID)
            }
        }
        return trace
    }

    public func eraseTraveller(tripIDs: [String], phone: String?, agency: String?) async throws -> [String: Int] {
        var counts = ["trips": 0, "conversations": 0, "itineraries": 0, "documents": 0, "notification_log": 0,
                      "profiles": 0]
        let trips = Set(tripIDs)
        let documents = documentRows.count
        documentRows.removeAll { document in
            document.tripID.map(trips.contains) == true
                || (phone != nil && document.phone == phone
                    && (agency == nil || document.agencyID == nil || document.agencyID == agency))
        }
        counts["documents"] = documents - documentRows.count
        let logKeys = trips.union(inboundTripIDs(phone))
        let recipients = Set(phone.map { [$0, "whatsapp:" + $0] } ?? [])
        for (key, row) in notifications
        where logKeys.contains(row.claim.tripID)
            || (recipients.contains(row.claim.to) && (agency == nil || row.claim.agencyID == nil || row.claim.agencyID == agency)) {
            var row = row
            row.claim.to = erasedRecipient
            row.claim.variables = .object([:])
            row.error = nil
            if row.claim.tripID.hasPrefix("inbound:") { row.claim.tripID = "inbound:erased" }
            notifications[key] = nil
            notifications[Self.key(row.claim.tripID, row.claim.type, row.claim.key)] = row
            counts["notification_log", default: 0] += 1
        }
        let turns = conversationRows.count
        conversationRows.removeAll { trips.contains($0.tripID) }
        counts["conversations"] = turns - conversationRows.count
        let versions = itineraryRows.count
        itineraryRows.removeAll { trips.contains($0.tripID) }
        counts["itineraries"] = versions - itineraryRows.count
        for id in trips where tripRows.removeValue(forKey: id) != nil { counts["trips", default: 0] += 1 }
        if let phone {
            var profiles = 0
            for key in preferenceRows.keys where key.userID == phone && inAgency(key.agencyID, agency) {
                preferenceRows[key] = nil
                profiles += 1
            }
            for (job, feedback) in feedbackRows where feedback.userID == phone && inAgency(feedback.agencyID, agency) {
                feedbackRows[job] = nil
                profiles += 1
            }
            for key in cooldownRows.keys where key.userID == phone && inAgency(key.agencyID, agency) {
                cooldownRows[key] = nil
                profiles += 1
            }
            counts["profiles"] = profiles
        }
        return counts
    }

    /// Whether a profile row of `rowAgency` (`''` or nil: none) is within `agency` (nil: every one).
    private func inAgency(_ rowAgency: String?, _ agency: String?) -> Bool {
        agency == nil || (rowAgency ?? "") == agency
    }
}
