public import FlowEngine
import Foundation

/// Erases one traveller's data on request (`POST /agencies/{agency}/erasures`, `flowctl erase`): the
/// product's records (`PersonalRecords`) and every finished instance about the subject — its state,
/// timeline, inbox, approvals and effect-ledger rows — then audits the erasure (`ErasureLog`).
///
/// An instance about the subject that is still running or waiting is not touched: the erasure is
/// refused as a whole (`Outcome.running`, the API's 409, naming them), because removing it would
/// break its effect ledger and erasing around it would leave its context, which the flow still
/// reads, behind. The caller cancels them (`POST /instances/{id}/cancel`) and asks again once they
/// have ended. Erasing is idempotent: asking again erases what is left (zero counts when nothing).
///
/// An instance is about the subject when the product ties it to the subject or when its state,
/// settings, timeline, inbox, approvals or effect requests contain the subject's needle (the phone
/// number; the trip id as a JSON string) or one of the product's. An agency's erasure covers its
/// instances and those of no agency (started by an inbound message or an admin without one).
public struct TravellerErasure: Sendable {
    public let store: any FlowStore
    public let removal: any InstanceRemoval
    public let log: any ErasureLog
    /// nil: the runtime alone (only instances are searched).
    public let records: (any PersonalRecords)?

    public init(store: any FlowStore, removal: any InstanceRemoval, log: any ErasureLog, records: (any PersonalRecords)?) {
        self.store = store
        self.removal = removal
        self.log = log
        self.records = records
    }

    /// What an erasure came to.
    public enum Outcome: Sendable, Hashable {
        /// Erased and audited.
        case erased(ErasureRecord)
        /// Refused: these instances about the subject are still running or waiting (ids, sorted).
        case running([String])
    }

    /// Erases `subject`'s data in `agency` (every agency when nil), audited as done by `by` at `now`.
    public func erase(_ subject: ErasureSubject, agency: String?, by: String?, at now: Instant) async throws -> Outcome {
        let trace = try await records?.locate(subject, agency: agency) ?? PersonalDataTrace()
        var statuses: [String: InstanceStatus] = [:]
        for needle in trace.needles.union([subject.needle]).sorted() {
            statuses.merge(try await removal.instances(agency: agency, mentioning: needle)) { a, _ in a }
        }
        for id in trace.instanceIDs where statuses[id] == nil {
            guard let instance = try await store.instance(id: id),
                agency == nil || instance.agencyID == agency || instance.agencyID == nil
            else {
                continue
            }
            statuses[id] = instance.status
        }
        let running = statuses.filter { !$0.value.isFinished }.keys.sorted()
        guard running.isEmpty else { return .running(running) }
        var counts = try await records?.erase(subject, agency: agency) ?? [:]
        let removed = try await removal.removeFinishedInstances(ids: statuses.keys.sorted())
        counts["instances"] = removed.instances
        counts["timeline_entries"] = removed.timelineEntries
        counts["effects"] = removed.effects
        let record = ErasureRecord(
            id: "er_" + UUID().uuidString.lowercased(), agencyID: agency, subject: subject.kind, counts: counts,
            erasedBy: by, at: now)
        try await log.recordErasure(record)
        return .erased(record)
    }
}
