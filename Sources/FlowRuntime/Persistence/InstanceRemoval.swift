public import FlowEngine

/// Removing finished instances with everything recorded about them: what retention and erasure ask of
/// the runtime's store. Running and waiting instances, and their effect-ledger rows, are never
/// touched (their exactly-once bookkeeping must hold); a finished instance goes with its timeline,
/// inbox, approvals and effect-ledger rows, in one transaction.
public protocol InstanceRemoval: Sendable {
    /// Removes up to `limit` finished instances last updated before `cutoff`, oldest first; returns what
    /// went. Idempotent: several daemons may run it at once (each removes what is still there).
    func purgeFinishedInstances(updatedBefore cutoff: Instant, limit: Int) async throws -> RemovedInstances
    /// The instances of `agency` and those of no agency (every instance when nil) whose state, settings,
    /// timeline, inbox, approvals or effect requests or results contain `needle` verbatim, with their status.
    func instances(agency: String?, mentioning needle: String) async throws -> [String: InstanceStatus]
    /// Removes those of `ids` that are finished (the others are left as they are).
    func removeFinishedInstances(ids: [String]) async throws -> RemovedInstances
}

/// What a removal of instances took away.
public struct RemovedInstances: Sendable, Hashable {
    public var instances: Int
    /// Timeline (history) entries.
    public var timelineEntries: Int
    /// Effect-ledger rows.
    public var effects: Int

    public init(instances: Int = 0, timelineEntries: Int = 0, effects: Int = 0) {
        self.instances = instances
        self.timelineEntries = timelineEntries
        self.effects = effects
    }

    public static func + (lhs: RemovedInstances, rhs: RemovedInstances) -> RemovedInstances {
        RemovedInstances(
            instances: lhs.instances + rhs.instances, timelineEntries: lhs.timelineEntries + rhs.timelineEntries,
            effects: lhs.effects + rhs.effects)
    }
}

/// The audit of erasures (`erasures`, migration 17): what was erased — kinds and counts, never the
/// erased values — when, and by which key.
public protocol ErasureLog: Sendable {
    func recordErasure(_ record: ErasureRecord) async throws
    /// The erasures of `agency` (of every agency when nil), newest first, at most `limit`.
    func erasures(agency: String?, limit: Int) async throws -> [ErasureRecord]
}

/// One erasure, as audited. It names the kind of request (`phone` or `trip`) and never the phone
/// number or trip id itself: the caller keeps `id` with the request it answered.
public struct ErasureRecord: Sendable, Hashable {
    public var id: String
    /// nil: every agency (an operator's erasure through `flowctl erase` without `--agency`).
    public var agencyID: String?
    /// `phone` or `trip`.
    public var subject: String
    /// Rows removed or anonymised, by kind (`trips`, `conversations`, `instances`, …).
    public var counts: [String: Int]
    /// The API key's name, or who ran `flowctl erase`.
    public var erasedBy: String?
    public var at: Instant

    public init(id: String, agencyID: String?, subject: String, counts: [String: Int], erasedBy: String?, at: Instant) {
        self.id = id
        self.agencyID = agencyID
        self.subject = subject
        self.counts = counts
        self.erasedBy = erasedBy
        self.at = at
    }

    /// As the API answers it.
    public var json: Value {
        [
            "id": .string(id), "agency": agencyID.map(Value.string) ?? .null, "subject": .string(subject),
            "counts": .object(counts.mapValues { .number(Double($0)) }),
            "erased_by": erasedBy.map(Value.string) ?? .null, "erased_at": .string(at.description),
        ]
    }
}
