import FlowEngine
import FlowRuntime
import Testing
import Travel

/// Checks of the agency portal's store (`AgencyPortalStore`): agencies, trip pages and
/// cancellations, instances by key, and the statistics' SQL aggregates over seeded rows.
enum PortalChecks {
    typealias F = StoreFixtures

    static func trip(_ id: String, agency: String, at: Instant) -> TripRecord {
        TripRecord(
            id: id, agencyID: agency, clientName: "Ana", whatsapp: "+5491155550000", flightNumber: "AR1140",
            origin: "EZE", destination: "MIA", departureAt: at + .days(10), updatedAt: at)
    }

    static func agenciesAndTrips(_ harness: PortalStoreHarness) async throws {
        try await harness.withStore { store in
            let id = F.uniqueID("agency")
            #expect(try await store.agency(id: id) == nil)
            let hostile = "Acme'); DROP TABLE agencies; --"
            var agency = AgencyRecord(
                id: id, displayName: hostile, signOff: "El equipo de Acme", supportPhone: "+5491100000000",
                twilioAccount: "ACME_AR", createdAt: F.t0, updatedAt: F.t0)
            #expect(try await store.saveAgency(agency))
            #expect(try await store.agency(id: id) == agency)
            agency.displayName = "Acme Viajes"
            agency.signOff = nil
            agency.twilioAccount = nil
            agency.updatedAt = F.t0 + .hours(1)
            #expect(try await store.saveAgency(agency) == false)
            #expect(try await store.agency(id: id) == agency)

            // A trip of an agency the table does not know makes a bare row, which `saveAgency` then fills.
            let other = F.uniqueID("agency")
            try await store.upsertTrip(trip(F.uniqueID("trip"), agency: other, at: F.t0))
            #expect(try await store.agency(id: other)?.displayName == other)
            #expect(try await store.saveAgency(AgencyRecord(id: other, displayName: "Other", createdAt: F.t0, updatedAt: F.t0)) == false)

            // Pages in (created_at, id) order, per agency.
            let ids = (0..<5).map { "\(id)-trip-\($0)" }
            for (index, tripID) in ids.enumerated() {
                try await store.upsertTrip(trip(tripID, agency: id, at: F.t0 + .minutes(Int64(index / 2))))
            }
            var seen: [String] = []
            var after: InstanceCursor?
            while true {
                let page = try await store.tripEntries(agency: id, after: after, limit: 2)
                seen += page.map(\.trip.id)
                guard page.count == 2, let last = page.last else { break }
                after = InstanceCursor(createdAt: last.createdAt, id: last.trip.id)
            }
            #expect(seen == ids)
            #expect(try await store.tripEntries(agency: nil, after: nil, limit: 100).count >= 6)

            // A cancellation is recorded once; the trip stays.
            #expect(try await store.cancelTrip(id: F.uniqueID("nope"), at: F.t0) == nil)
            let first = try await store.cancelTrip(id: ids[0], at: F.t0 + .hours(2))
            #expect(first == F.t0 + .hours(2))
            #expect(try await store.cancelTrip(id: ids[0], at: F.t0 + .hours(3)) == first)
            let entry = try await store.tripEntry(id: ids[0])
            #expect(entry?.cancelledAt == first && entry?.createdAt == F.t0 && entry?.trip.agencyID == id)
            // An upsert (a later trip.created) does not revive it.
            try await store.upsertTrip(trip(ids[0], agency: id, at: F.t0 + .hours(4)))
            #expect(try await store.tripEntry(id: ids[0])?.cancelledAt == first)

            // Instances by idempotency key.
            let key = "event/flight-notifications/\(ids[1])"
            let instance = try await F.create(F.instance(idempotencyKey: key), in: store)
            let found = try await store.instanceIDs(idempotencyKeys: [key, "event/itinerary/\(ids[1])"])
            #expect(found == [key: instance.id])
            #expect(try await store.instanceIDs(idempotencyKeys: []) == [:])
        }
    }

    static func agencyStats(_ harness: PortalStoreHarness) async throws {
        try await harness.withStore { store in
            let agency = F.uniqueID("agency")
            let stranger = F.uniqueID("agency")
            let trip = F.uniqueID("trip")
            func claim(_ key: String, type: String = "REMINDER_24H", agency owner: String? = nil, at: Instant = F.t0)
                async throws {
                let claim = NotificationClaim(
                    tripID: trip, agencyID: owner ?? agency, type: type, key: key, instanceID: nil, to: "+5491155550000",
                    template: "recordatorio_24h", variables: ["1": "Ana"], at: at)
                #expect(try await store.claimNotification(claim))
            }
            func sent(_ key: String, sid: String, type: String = "REMINDER_24H") async throws {
                try await store.updateNotification(tripID: trip, type: type, key: key, status: "sent", providerID: sid, error: nil)
            }
            // Read; delivered; failed by callback; failed at the send; suppressed; another day; another agency; out of range.
            let sids = (0..<4).map { _ in F.uniqueID("SM") }
            try await claim("a"); try await sent("a", sid: sids[0])
            try await store.updateNotificationStatus(providerID: sids[0], status: "delivered", errorCode: nil)
            try await store.updateNotificationStatus(providerID: sids[0], status: "read", errorCode: nil)
            try await claim("b"); try await sent("b", sid: sids[1])
            try await store.updateNotificationStatus(providerID: sids[1], status: "delivered", errorCode: nil)
            try await claim("c"); try await sent("c", sid: sids[2])
            try await store.updateNotificationStatus(providerID: sids[2], status: "undelivered", errorCode: "63016")
            try await claim("d")
            try await store.updateNotification(
                tripID: trip, type: "REMINDER_24H", key: "d", status: "failed", providerID: nil, error: "twilio.21211")
            try await claim("e", type: "BOARDING")
            try await store.updateNotification(
                tripID: trip, type: "BOARDING", key: "e", status: "suppressed", providerID: nil, error: "cap")
            try await claim("f", type: "LANDING_WELCOME", at: F.t0 + .days(1))
            try await sent("f", sid: sids[3], type: "LANDING_WELCOME")
            try await claim("g", agency: stranger)
            try await claim("h", at: F.t0 + .days(40))

            // AeroAPI calls in the agency's timelines: two lookups (one retried) on one day, one the next day.
            func called(_ step: String, attempt: Int, at: Instant, input: Value = [:]) -> HistoryEntry {
                F.entry("step_called", at: at, [
                    "state": "poll", "step": .string(step), "attempt": .number(Double(attempt)), "call_id": "c",
                    "input": input,
                ])
            }
            let watched = try await F.create(F.instance(agencyID: agency), in: store, history: [
                called("aeroapi.flight", attempt: 1, at: F.t0), called("aeroapi.flight", attempt: 2, at: F.t0 + .minutes(1)),
                called("notify.send", attempt: 1, at: F.t0 + .minutes(2)),
                called("alert.raise", attempt: 1, at: F.t0 + .minutes(3), input: ["code": "AEROAPI_BUDGET_EXCEEDED"]),
                called("alert.raise", attempt: 1, at: F.t0 + .minutes(4), input: ["code": "AEROAPI_NO_MATCH"]),
                called("aeroapi.flight", attempt: 1, at: F.t0 + .days(1)),
            ])
            try await F.create(F.instance(agencyID: stranger), in: store, history: [called("aeroapi.flight", attempt: 1, at: F.t0)])

            // Suggestions by status; approvals by status.
            for status in [InstanceStatus.succeeded, .succeeded, .waiting] {
                try await F.create(F.instance(status: status, agencyID: agency, flow: "trip-suggestion"), in: store)
            }
            for index in 0..<3 {
                try await store.recordApproval(ApprovalRecord(
                    id: "\(watched.id):a\(index)", approvalID: "a\(index)", instanceID: watched.id, agencyID: agency,
                    flow: "trip-planning", state: "approve", kind: "itinerary", request: [:], approvers: [],
                    expiresAt: nil, requestedAt: F.t0))
            }
            _ = try await store.decideApproval(id: "\(watched.id):a0", ApprovalVerdict(approve: true, by: "ops", at: F.t0))

            let stats = try await store.agencyStats(agency: agency, from: F.t0 - .days(1), to: F.t0 + .days(30))
            let day = String(F.t0.iso8601.prefix(10))
            let next = String((F.t0 + .days(1)).iso8601.prefix(10))
            #expect(stats.messagesByDay == [
                .init(day: day, type: "BOARDING", count: 1), .init(day: day, type: "REMINDER_24H", count: 4),
                .init(day: next, type: "LANDING_WELCOME", count: 1),
            ])
            #expect(stats.messagesByType == ["BOARDING": 1, "REMINDER_24H": 4, "LANDING_WELCOME": 1])
            #expect(stats.sent == 4 && stats.delivered == 2 && stats.read == 1, "\(stats)")
            #expect(stats.failed == 2 && stats.suppressed == 1, "\(stats)")
            #expect(stats.failures == ["63016": 1, "twilio.21211": 1])
            #expect(stats.aeroapiCalls == 3 && stats.aeroapiLookups == 2 && stats.aeroapiTripDays == 2, "\(stats)")
            #expect(stats.aeroapiBudgetExceeded == 1)
            #expect(stats.suggestions == ["succeeded": 2, "waiting": 1])
            #expect(stats.approvals == ["approved": 1, "pending": 2])
            let json = stats.json(agency: agency, from: F.t0, to: F.t0 + .days(1))
            #expect(json["delivery"]?["delivery_rate"] == 0.5 && json["delivery"]?["read_rate"] == 0.25)
            #expect(json["messages"]?["total"] == 6)

            // The range's end is excluded, its start included.
            let first = try await store.agencyStats(agency: agency, from: F.t0, to: F.t0 + .days(1))
            #expect(first.messagesByType == ["BOARDING": 1, "REMINDER_24H": 4])
            #expect(first.aeroapiCalls == 2 && first.aeroapiTripDays == 1)
            let none = try await store.agencyStats(agency: F.uniqueID("agency"), from: F.t0 - .days(1), to: F.t0 + .days(1))
            #expect(none == AgencyStats())
            #expect(none.json(agency: "x", from: F.t0, to: F.t0 + .days(1))["delivery"]?["delivery_rate"] == .null)
        }
    }
}
