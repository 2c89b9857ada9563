import FlowEngine
import FlowRuntime
import Travel
import Testing

/// Checks of delivery-status precedence and of what a cap counts (`NotificationStatusOrder`).
enum NotificationChecks {
    typealias F = StoreFixtures

    /// Claims a row for `trip` under `key` and marks it sent as `sid`.
    private static func sent(_ store: any TravelStore, trip: String, key: String, sid: String) async throws {
        #expect(try await store.claimNotification(F.claim(trip: trip, key: key)))
        try await store.updateNotification(
            tripID: trip, type: "REMINDER_24H", key: key, status: "sent", providerID: sid, error: nil)
    }

    /// Applies each callback in order and returns the row's final status and error.
    private static func after(
        _ callbacks: [(status: String, code: String?)], store: any TravelStore, trip: String
    ) async throws -> (String?, String?) {
        let key = F.uniqueID("k")
        let sid = F.uniqueID("SM")
        try await sent(store, trip: trip, key: key, sid: sid)
        for callback in callbacks {
            try await store.updateNotificationStatus(providerID: sid, status: callback.status, errorCode: callback.code)
        }
        let row = try await store.notification(tripID: trip, type: "REMINDER_24H", key: key)
        #expect(row?.providerID == sid)
        return (row?.status, row?.error)
    }

    /// Callbacks in arrival order, the status they end at and the error the row keeps.
    static let precedenceCases: [([(String, String?)], String, String?)] = [
        ([("delivered", nil), ("read", nil)], "read", nil),
        ([("read", nil), ("delivered", nil)], "read", nil),
        ([("read", nil), ("sent", nil), ("queued", nil)], "read", nil),
        ([("delivered", nil), ("sent", nil)], "delivered", nil),
        ([("queued", nil)], "sent", nil),
        ([("failed", "30008"), ("sent", nil)], "failed", "30008"),
        ([("undelivered", "63016"), ("failed", "30008")], "undelivered", "63016"),
        ([("undelivered", "63016"), ("delivered", nil)], "delivered", "63016"),
        ([("failed", "30008"), ("read", nil)], "read", "30008"),
        ([("delivered", nil), ("undelivered", "63016")], "delivered", nil),
        ([("read", nil), ("canceled", nil)], "read", nil),
        ([("sent", nil), ("canceled", nil)], "canceled", nil),
    ]

    static func statusPrecedence(_ harness: TravelStoreHarness) async throws {
        try await harness.withStore { store in
            let trip = F.uniqueID("trip")
            for (callbacks, status, error) in precedenceCases {
                let (got, gotError) = try await after(callbacks.map { ($0.0, $0.1) }, store: store, trip: trip)
                #expect(got == status, "\(callbacks.map(\.0)) should end at \(status)")
                #expect(gotError == error, "\(callbacks.map(\.0)) should keep error \(error ?? "nil")")
            }
            // A callback for an unknown message id changes nothing and is not an error.
            try await store.updateNotificationStatus(providerID: F.uniqueID("SM"), status: "read", errorCode: nil)
        }
    }

    static func capsCount(_ harness: TravelStoreHarness) async throws {
        try await harness.withStore { store in
            let trip = F.uniqueID("trip")
            let count = { try await store.countNotifications(tripID: trip, agencyID: nil, since: F.t0) }
            // Counted: claimed, retrying, sent and every provider status but the failures.
            let counted = ["claimed", "retrying", "sent", "delivered", "read"]
            for (index, status) in counted.enumerated() {
                let key = "counted-\(index)"
                let sid = "SM-\(trip)-\(index)"
                switch status {
                case "claimed":
                    #expect(try await store.claimNotification(F.claim(trip: trip, key: key)))
                case "retrying":
                    #expect(try await store.claimNotification(F.claim(trip: trip, key: key)))
                    try await store.updateNotification(
                        tripID: trip, type: "REMINDER_24H", key: key, status: "retrying", providerID: nil,
                        error: "twilio.20429")
                default:
                    try await sent(store, trip: trip, key: key, sid: sid)
                    try await store.updateNotificationStatus(providerID: sid, status: status, errorCode: nil)
                }
            }
            #expect(try await count() == counted.count)
            // Not counted: suppressed by a cap, failed at send, and provider failures.
            #expect(try await store.claimNotification(F.claim(trip: trip, key: "suppressed")))
            try await store.updateNotification(
                tripID: trip, type: "REMINDER_24H", key: "suppressed", status: "suppressed", providerID: nil,
                error: "cap per_trip_per_day 1 reached")
            #expect(try await store.claimNotification(F.claim(trip: trip, key: "failed")))
            try await store.updateNotification(
                tripID: trip, type: "REMINDER_24H", key: "failed", status: "failed", providerID: nil, error: "twilio.21211")
            for (index, status) in ["undelivered", "failed", "canceled"].enumerated() {
                let sid = "SM-\(trip)-x\(index)"
                try await sent(store, trip: trip, key: "provider-\(status)", sid: sid)
                try await store.updateNotificationStatus(providerID: sid, status: status, errorCode: "63016")
            }
            #expect(try await count() == counted.count)
            #expect(try await store.countNotifications(tripID: nil, agencyID: "agency-1", since: F.t0) >= counted.count)
        }
    }

    static func claimUnique(_ harness: TravelStoreHarness) async throws {
        try await harness.withStores(8) { stores in
            let trip = F.uniqueID("trip")
            let wins = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<16 {
                    let store = stores[index % stores.count]
                    group.addTask { try await store.claimNotification(F.claim(trip: trip)) }
                }
                return try await group.reduce(into: 0) { $0 += $1 ? 1 : 0 }
            }
            #expect(wins == 1)
            let store = stores[0]
            #expect(try await store.claimNotification(F.claim(trip: trip, key: "2025-07-08T22:05Z")))
            #expect(try await store.claimNotification(F.claim(trip: trip, type: "DELAYED")))
            #expect(try await store.countNotifications(tripID: trip, agencyID: nil, since: F.t0) == 3)
            try await store.updateNotification(
                tripID: trip, type: "DELAYED", key: "default", status: "sent", providerID: "SM-\(trip)", error: nil
            )
            try await store.updateNotificationStatus(providerID: "SM-\(trip)", status: "failed", errorCode: "63016")
            #expect(try await store.countNotifications(tripID: trip, agencyID: nil, since: F.t0) == 2)
            #expect(try await store.countNotifications(tripID: trip, agencyID: nil, since: F.t0 + .seconds(1)) == 0)
            #expect(try await store.countNotifications(tripID: nil, agencyID: "agency-1", since: F.t0) >= 2)
            let missing = await #expect(throws: StoreError.self) {
                try await store.updateNotification(
                    tripID: trip, type: "BOARDING", key: "default", status: "sent", providerID: nil, error: nil
                )
            }
            #expect(missing?.code == .notFound)
            // A type is whatever a flow declares (migration 7): a type nobody used before is logged.
            for type in ["RESERVATION_CONFIRMATION", "LANDING_WELCOME", "TERMINAL_CHANGE", "whatsapp.inbound"] {
                #expect(try await store.claimNotification(F.claim(trip: trip, type: type, key: "all")))
                #expect(try await !store.claimNotification(F.claim(trip: trip, type: type, key: "all")))
            }
            await #expect(throws: (any Error).self) {
                _ = try await store.claimNotification(F.claim(trip: trip, type: ""))
            }
            await #expect(throws: (any Error).self) {
                _ = try await store.claimNotification(F.claim(trip: trip, type: String(repeating: "X", count: 65)))
            }
        }
    }

    /// Hostile strings in a claim are bound, not spliced.
    static func hostileStrings(_ harness: TravelStoreHarness) async throws {
        try await harness.withStore { store async throws in
            for text in LedgerChecks.hostile {
                let trip = text + F.uniqueID("")
                #expect(try await store.claimNotification(F.claim(trip: trip, key: text)))
                #expect(try await !store.claimNotification(F.claim(trip: trip, key: text)))
                #expect(try await store.countNotifications(tripID: trip, agencyID: nil, since: F.t0) == 1)
            }
        }
    }
}
