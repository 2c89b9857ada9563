public import FlowEngine

/// What one claim returns: the leased instances, each with its undelivered inbox events, and
/// the earliest wake-up still ahead, so a worker needs no further read to run them or to know
/// how long it may sleep.
public struct ClaimBatch: Sendable, Hashable {
    /// One leased instance and the inbox events not yet consumed, oldest first.
    public struct Claimed: Sendable, Hashable {
        public var record: InstanceRecord
        public var inbox: [InboxEvent]

        public init(record: InstanceRecord, inbox: [InboxEvent]) {
            self.record = record
            self.inbox = inbox
        }
    }

    /// The leased instances, in claim order (wake-up, then id).
    public var claimed: [Claimed]
    /// The earliest `wakeAt` after the claim's `now` among running and waiting instances (leased
    /// or not); nil when none has one. A hint for sleeping: work delivered later (inbox events,
    /// new instances, expired leases) is not announced by it.
    public var nextWakeAt: Instant?

    public init(claimed: [Claimed], nextWakeAt: Instant?) {
        self.claimed = claimed
        self.nextWakeAt = nextWakeAt
    }

    /// Groups rows of (instance, optional inbox event) that arrive ordered by instance, keeping that order.
    static func grouping(_ rows: [(InstanceRecord, InboxEvent?)], nextWakeAt: Instant?) -> ClaimBatch {
        var claimed: [Claimed] = []
        for (record, event) in rows {
            if claimed.last?.record.id != record.id { claimed.append(Claimed(record: record, inbox: [])) }
            if let event { claimed[claimed.count - 1].inbox.append(event) }
        }
        return ClaimBatch(claimed: claimed, nextWakeAt: nextWakeAt)
    }
}

extension FlowStore {
    /// The fallback for stores without a native claim batch: `claimDue`, then one inbox read per
    /// instance; no wake-up hint.
    public func claimBatch(now: Instant, owner: String, leaseFor: TimeSpan, limit: Int) async throws -> ClaimBatch {
        var claimed: [ClaimBatch.Claimed] = []
        for record in try await claimDue(now: now, owner: owner, leaseFor: leaseFor, limit: limit) {
            claimed.append(ClaimBatch.Claimed(record: record, inbox: try await inbox(instanceID: record.id)))
        }
        return ClaimBatch(claimed: claimed, nextWakeAt: nil)
    }
}
