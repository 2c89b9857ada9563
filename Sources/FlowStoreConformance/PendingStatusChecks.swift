import FlowEngine
import FlowRuntime
import Travel
import Testing

/// Checks of delivery statuses that arrive before the send step recorded the message id
/// (`FlowStore.recordMessageStatus`, table `pending_message_statuses`).
enum PendingStatusChecks {
    typealias F = StoreFixtures

    static func report(_ sid: String, _ status: String, code: String? = nil, at: Instant = F.t0) -> MessageStatusReport {
        MessageStatusReport(messageSid: sid, accountSid: "AC-conformance", status: status, errorCode: code, receivedAt: at)
    }

    /// Claims a row for `trip` under `key`, then records it sent as `sid`.
    static func send(_ store: any TravelStore, trip: String, key: String, sid: String) async throws {
        #expect(try await store.claimNotification(F.claim(trip: trip, key: key)))
        try await store.updateNotification(
            tripID: trip, type: "REMINDER_24H", key: key, status: "sent", providerID: sid, error: nil)
    }

    static func row(_ store: any TravelStore, trip: String, key: String) async throws -> NotificationLogEntry? {
        return try await store.notification(tripID: trip, type: "REMINDER_24H", key: key)
    }

    /// A status for an unknown id waits, duplicates are idempotent, a higher one merges, and the
    /// send's record applies it and removes it; later callbacks go straight to the row.
    static func keptUntilSent(_ harness: TravelStoreHarness) async throws {
        try await harness.withStore { store in
            let trip = F.uniqueID("trip")
            let sid = F.uniqueID("SM")
            #expect(try await store.recordMessageStatus(report(sid, "delivered")) == .pending)
            #expect(try await store.recordMessageStatus(report(sid, "delivered")) == .pending)
            #expect(try await store.pendingMessageStatus(messageSid: sid) == report(sid, "delivered"))
            #expect(try await store.recordMessageStatus(report(sid, "read", at: F.t0 + .seconds(5))) == .pending)
            #expect(try await store.recordMessageStatus(report(sid, "delivered", at: F.t0 + .seconds(6))) == .pending)
            let merged = try await store.pendingMessageStatus(messageSid: sid)
            #expect(merged?.status == "read")
            #expect(merged?.receivedAt == F.t0, "the first callback's instant is kept")
            #expect(merged?.accountSid == "AC-conformance")

            // Recording another row's status leaves this one pending.
            let other = F.uniqueID("SM")
            try await send(store, trip: trip, key: "other", sid: other)
            #expect(try await store.pendingMessageStatus(messageSid: sid) != nil)
            #expect(try await row(store, trip: trip, key: "other")?.status == "sent")

            // A record for a row that does not exist fails and keeps the pending status.
            await #expect(throws: StoreError.self) {
                try await store.updateNotification(
                    tripID: trip, type: "REMINDER_24H", key: "never-claimed", status: "sent", providerID: sid, error: nil)
            }
            #expect(try await store.pendingMessageStatus(messageSid: sid)?.status == "read")

            try await send(store, trip: trip, key: "k", sid: sid)
            #expect(try await row(store, trip: trip, key: "k")?.status == "read")
            #expect(try await store.pendingMessageStatus(messageSid: sid) == nil)
            // Now the id is known: a late `delivered` goes to the row and does not downgrade it.
            #expect(try await store.recordMessageStatus(report(sid, "delivered")) == .logged)
            #expect(try await row(store, trip: trip, key: "k")?.status == "read")
            #expect(try await store.pendingMessageStatus(messageSid: sid) == nil)
            #expect(try await store.recordMessageStatus(report(other, "failed", code: "30008")) == .logged)
            #expect(try await row(store, trip: trip, key: "other")?.error == "30008")
        }
    }

    /// Every arrival order of `NotificationChecks.statusPrecedence` ends the same when all of it
    /// arrives before the send's record as when it arrives after.
    static func sameEndBeforeTheRecord(_ harness: TravelStoreHarness) async throws {
        try await harness.withStore { store in
            let trip = F.uniqueID("trip")
            for (callbacks, status, error) in NotificationChecks.precedenceCases {
                let key = F.uniqueID("k")
                let sid = F.uniqueID("SM")
                for (offset, callback) in callbacks.enumerated() {
                    let early = report(sid, callback.0, code: callback.1, at: F.t0 + .seconds(Int64(offset)))
                    #expect(try await store.recordMessageStatus(early) == .pending)
                }
                try await send(store, trip: trip, key: key, sid: sid)
                let logged = try await row(store, trip: trip, key: key)
                #expect(logged?.status == status, "\(callbacks.map(\.0)) before the record should end at \(status)")
                #expect(logged?.error == error, "\(callbacks.map(\.0)) before the record should keep error \(error ?? "nil")")
                #expect(try await store.pendingMessageStatus(messageSid: sid) == nil)
            }
        }
    }

    /// Keeping a pending status deletes those first received more than the retention earlier.
    static func retention(_ harness: TravelStoreHarness) async throws {
        try await harness.withStore { store async throws in
            let old = F.uniqueID("SM")
            let recent = F.uniqueID("SM")
            let retention = MessageStatusReport.pendingRetention
            #expect(try await store.recordMessageStatus(report(old, "delivered", at: F.t0)) == .pending)
            let later = F.t0 + retention - .hours(1)
            #expect(try await store.recordMessageStatus(report(recent, "failed", code: "30008", at: later)) == .pending)
            #expect(try await store.pendingMessageStatus(messageSid: old) != nil, "within the retention")
            let fresh = F.uniqueID("SM")
            let afterRetention = F.t0 + retention + .hours(1)
            #expect(try await store.recordMessageStatus(report(fresh, "read", at: afterRetention)) == .pending)
            #expect(try await store.pendingMessageStatus(messageSid: old) == nil, "older than the retention")
            #expect(try await store.pendingMessageStatus(messageSid: recent)?.errorCode == "30008")
            #expect(try await store.pendingMessageStatus(messageSid: fresh)?.status == "read")
        }
    }

    /// Records made at once (a store that groups them writes them together), each with its own
    /// pending status: `delivered` and `failed` (with its code) outrank `sent` and win, `queued`
    /// does not; a row with none is `sent`; a record for a row never claimed fails alone; nothing
    /// stays pending.
    static func recordsTogether(_ harness: TravelStoreHarness) async throws {
        try await harness.withStore { store in
            let trip = F.uniqueID("trip")
            let pending: [(status: String, code: String?)?] = [("delivered", nil), ("failed", "30008"), ("queued", nil), nil]
            let sids = (0..<20).map { _ in F.uniqueID("SM") }
            for (index, sid) in sids.enumerated() {
                #expect(try await store.claimNotification(F.claim(trip: trip, key: "k\(index)")))
                if let kept = pending[index % 4] {
                    #expect(try await store.recordMessageStatus(report(sid, kept.status, code: kept.code)) == .pending)
                }
            }
            let failures = try await withThrowingTaskGroup(of: Bool.self) { group in
                for (index, sid) in sids.enumerated() {
                    group.addTask {
                        try await store.updateNotification(
                            tripID: trip, type: "REMINDER_24H", key: "k\(index)", status: "sent", providerID: sid, error: nil)
                        return false
                    }
                }
                group.addTask {
                    do {
                        try await store.updateNotification(
                            tripID: trip, type: "REMINDER_24H", key: "never-claimed", status: "sent", providerID: nil, error: nil)
                        return false
                    } catch is StoreError {
                        return true
                    }
                }
                return try await group.reduce(into: 0) { $0 += $1 ? 1 : 0 }
            }
            #expect(failures == 1)
            for (index, sid) in sids.enumerated() {
                let logged = try await row(store, trip: trip, key: "k\(index)")
                let expected = ["delivered", "failed", "sent", "sent"][index % 4]
                #expect(logged?.status == expected, "\(index)")
                #expect(logged?.providerID == sid)
                #expect(logged?.error == (index % 4 == 1 ? "30008" : nil), "\(index)")
                #expect(try await store.pendingMessageStatus(messageSid: sid) == nil, "\(index)")
            }
        }
    }

    /// A callback racing the send's record (separate connections when the store has them) is
    /// never lost: every row ends `delivered` and nothing stays pending.
    static func racingTheRecord(_ harness: TravelStoreHarness) async throws {
        try await harness.withStores(2) { stores in
            let trip = F.uniqueID("trip")
            let sids = (0..<24).map { _ in F.uniqueID("SM") }
            for (index, _) in sids.enumerated() {
                #expect(try await stores[0].claimNotification(F.claim(trip: trip, key: "race-\(index)")))
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (index, sid) in sids.enumerated() {
                    group.addTask {
                        try await stores[0].updateNotification(
                            tripID: trip, type: "REMINDER_24H", key: "race-\(index)", status: "sent", providerID: sid,
                            error: nil)
                    }
                    group.addTask { _ = try await stores[1].recordMessageStatus(report(sid, "delivered")) }
                }
                try await group.waitForAll()
            }
            for (index, sid) in sids.enumerated() {
                #expect(try await row(stores[0], trip: trip, key: "race-\(index)")?.status == "delivered", "\(sid)")
                #expect(try await stores[0].pendingMessageStatus(messageSid: sid) == nil, "\(sid)")
            }
        }
    }
}
