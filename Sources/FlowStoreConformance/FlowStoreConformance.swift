public import FlowRuntime
public import Travel

/// The behaviour every `FlowStore` (and every `TravelStore`) must have; each check runs against a harness.
///
/// Checks use `#expect` (Swift Testing) and throw on unexpected errors, so a test target runs
/// them with `@Test(arguments: FlowStoreConformance.checks)`.
public enum FlowStoreConformance {
    /// One named check.
    public struct Check: Sendable, CustomStringConvertible {
        public var name: String
        public var body: @Sendable (FlowStoreHarness) async throws -> Void

        public var description: String { name }

        public func run(_ harness: FlowStoreHarness) async throws { try await body(harness) }
    }

    /// One named check of the travel product's stores.
    public struct TravelCheck: Sendable, CustomStringConvertible {
        public var name: String
        public var body: @Sendable (TravelStoreHarness) async throws -> Void

        public var description: String { name }

        public func run(_ harness: TravelStoreHarness) async throws { try await body(harness) }
    }

    /// All checks, in a stable order.
    public static let checks: [Check] = [
        Check(name: "migrations are idempotent", body: InstanceChecks.migrationsIdempotent),
        Check(name: "definitions round-trip", body: InstanceChecks.definitionsRoundTrip),
        Check(name: "create with idempotency key", body: InstanceChecks.createIdempotent),
        Check(name: "exactly one instance under concurrent creates", body: InstanceChecks.concurrentCreates),
        Check(name: "concurrent creates keep their own outcomes", body: InstanceChecks.concurrentCreatesKeepTheirOutcomes),
        Check(name: "instances filter", body: InstanceChecks.filter),
        Check(name: "claim, lease, expiry, reclaim", body: InstanceChecks.claimLeaseExpiry),
        Check(name: "concurrent claimers never share an instance", body: InstanceChecks.concurrentClaimers),
        Check(name: "claim batch carries inbox events and the next wake-up",
              body: ClaimChecks.batchCarriesInboxAndNextWake),
        Check(name: "commit writes and fences", body: InstanceChecks.commitFencing),
        Check(name: "concurrent commits keep their own fences (group commit)",
              body: GroupCommitChecks.concurrentCommitsKeepTheirOwnFences),
        Check(name: "history order", body: InstanceChecks.historyOrder),
        Check(name: "annotations append after the last entry, lease kept", body: InstanceChecks.annotations),
        Check(name: "inbox dedup and wake-up", body: LedgerChecks.inbox),
        Check(name: "effect ledger transitions", body: LedgerChecks.effects),
        Check(name: "racing begins of one effect start it once", body: LedgerChecks.racingEffectBegins),
        Check(name: "schedule fires once under concurrency", body: LedgerChecks.scheduleFires),
        Check(name: "instants round-trip to the millisecond", body: LedgerChecks.instants),
        Check(name: "hostile strings are bound, not spliced", body: LedgerChecks.hostileStrings),
        Check(name: "every timeline kind round-trips", body: TimelineChecks.everyKindRoundTrips),
        Check(name: "an unknown timeline kind still reads", body: TimelineChecks.unknownKindReads),
        Check(name: "API keys: digest only, authenticate, list, revoke", body: APIKeyChecks.keysRoundTrip),
        Check(name: "instances page by (created_at, id) with a cursor", body: APIKeyChecks.instancePages),
        Check(name: "agency overrides: revisions, current, a taken number refused", body: OverrideChecks.revisions),
    ] + approvalChecks

    /// The approvals table's checks (also run against the in-memory store).
    public static let approvalChecks: [Check] = [
        Check(name: "approvals record, list by agency a page at a time", body: ApprovalChecks.recordAndList),
        Check(name: "an approval is decided once; late and unknown ones are refused", body: ApprovalChecks.decideOnce),
        Check(name: "a verdict and its inbox event commit together", body: ApprovalChecks.decisionDeliversAtomically),
        Check(name: "approvals close as expired or cancelled", body: ApprovalChecks.close),
        Check(name: "exactly one of concurrent decisions wins", body: ApprovalChecks.concurrentDecisions),
        Check(name: "hostile strings in approvals are bound, not spliced", body: ApprovalChecks.hostileStrings),
        Check(name: "one approval-link secret per database, whoever proposes first", body: ApprovalChecks.linkSecret),
    ]

    /// One named check of the agency portal's store (the SQL stores).
    public struct PortalCheck: Sendable, CustomStringConvertible {
        public var name: String
        public var body: @Sendable (PortalStoreHarness) async throws -> Void

        public var description: String { name }

        public func run(_ harness: PortalStoreHarness) async throws { try await body(harness) }
    }

    /// The agency portal's checks: agencies, trip pages, cancellations, statistics.
    public static let portalChecks: [PortalCheck] = [
        PortalCheck(name: "agencies, trip pages, cancellations and instances by key", body: PortalChecks.agenciesAndTrips),
        PortalCheck(name: "agency statistics aggregate the agency's rows in the range", body: PortalChecks.agencyStats),
    ]

    /// The travel tables' checks: the notification log, trips, conversations, itineraries and documents (run against
    /// the SQL stores and the in-memory travel store).
    public static let travelChecks: [TravelCheck] = [
        TravelCheck(name: "notification claim is unique under concurrency", body: NotificationChecks.claimUnique),
        TravelCheck(name: "delivery statuses keep their precedence", body: NotificationChecks.statusPrecedence),
        TravelCheck(name: "caps count what may reach the traveller", body: NotificationChecks.capsCount),
        TravelCheck(name: "a claim applies its caps in the same operation", body: NotificationCapChecks.capsInOrder),
        TravelCheck(name: "racing claims never exceed a cap", body: NotificationCapChecks.capsUnderConcurrency),
        TravelCheck(name: "racing repeats of one claim are duplicates, and caps still hold", body: NotificationCapChecks.racingRepeats),
        TravelCheck(name: "racing claims count each from its own window's start", body: NotificationCapChecks.racingWindows),
        TravelCheck(name: "a status for an unknown message id waits for its send", body: PendingStatusChecks.keptUntilSent),
        TravelCheck(name: "statuses before the send end as statuses after it", body: PendingStatusChecks.sameEndBeforeTheRecord),
        TravelCheck(name: "pending statuses are kept for the retention only", body: PendingStatusChecks.retention),
        TravelCheck(name: "a status racing the send's record is never lost", body: PendingStatusChecks.racingTheRecord),
        TravelCheck(name: "records made together each apply their own pending status", body: PendingStatusChecks.recordsTogether),
        TravelCheck(name: "hostile strings in a claim are bound, not spliced", body: NotificationChecks.hostileStrings),
        TravelCheck(name: "trips upsert and lookup by WhatsApp number", body: TravelChecks.trips),
        TravelCheck(name: "conversation turns, last N oldest first", body: TravelChecks.conversations),
        TravelCheck(name: "itinerary versions increase per trip", body: ItineraryChecks.versions),
        TravelCheck(name: "concurrent itinerary saves get distinct versions", body: ItineraryChecks.concurrentVersions),
        TravelCheck(name: "trip documents are recorded once and paged oldest first", body: DocumentChecks.recordAndList),
        TravelCheck(name: "trip documents need their trip, or file by phone; deletion", body: DocumentChecks.tripsAndDeletion),
    ]
}
