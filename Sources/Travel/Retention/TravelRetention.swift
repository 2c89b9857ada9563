public import FlowEngine
public import FlowRuntime

/// The travel product's kinds of records kept for a bounded time (`RetentionKind`), registered
/// through `ProductParts.retention`. Adding a kind is one more entry here: a name, a default age and
/// a bounded, idempotent delete on the store (`TravellerDataStore`), e.g.
///
/// ```swift
/// RetentionKind(name: "documents", defaultAge: .days(30), since: "trip ended") { cutoff, limit in
///     try await store.purgeDocuments(tripEndedBefore: cutoff, limit: limit)
/// }
/// ```
public enum TravelRetention {
    /// `conversations`: 180 days after a turn was sent — a season's conversations stay available to
    /// the concierge and to people explaining them, then go. `notification_log`: 400 days after the
    /// claim — a year of history for caps, delivery statistics and disputes, plus a month's margin.
    /// `documents`: 90 days after the trip's departure (a passport or a voucher is needed for the trip
    /// and its return, not after), or after it was received when it was filed without a trip.
    public static func kinds<Store: TravellerDataStore>(_ store: Store) -> [RetentionKind] {
        [
            RetentionKind(name: "conversations", defaultAge: .days(180), since: "sent") { cutoff, limit in
                try await store.purgeConversations(before: cutoff, limit: limit)
            },
            RetentionKind(name: "notification_log", defaultAge: .days(400), since: "claimed") { cutoff, limit in
                try await store.purgeNotificationLog(before: cutoff, limit: limit)
            },
            RetentionKind(name: "documents", defaultAge: .days(90), since: "trip departed") { cutoff, limit in
                try await store.purgeDocuments(before: cutoff, limit: limit)
            },
        ]
    }
}

/// The travel records about a traveller (`PersonalRecords`): trips, their conversations, itineraries
/// and documents, the notification log's personal fields, the profile whose user id is the phone.
public struct TravelPersonalRecords<Store: TravellerDataStore>: PersonalRecords {
    public let store: Store

    public init(store: Store) {
        self.store = store
    }

    public func locate(_ subject: ErasureSubject, agency: String?) async throws -> PersonalDataTrace {
        let trace = try await self.trace(subject, agency: agency)
        // By phone the number itself is the needle; a trip's instances are found through the trip id.
        return PersonalDataTrace(instanceIDs: trace.instanceIDs)
    }

    public func erase(_ subject: ErasureSubject, agency: String?) async throws -> [String: Int] {
        let trace = try await self.trace(subject, agency: agency)
        let phone: String? = if case .phone(let phone) = subject { phone } else { nil }
        return try await store.eraseTraveller(tripIDs: trace.tripIDs, phone: phone, agency: agency)
    }

    private func trace(_ subject: ErasureSubject, agency: String?) async throws -> TravellerTrace {
        switch subject {
        case .phone(let phone): try await store.travellerTrace(phone: phone, tripID: nil, agency: agency)
        case .trip(let id): try await store.travellerTrace(phone: nil, tripID: id, agency: agency)
        }
    }
}
