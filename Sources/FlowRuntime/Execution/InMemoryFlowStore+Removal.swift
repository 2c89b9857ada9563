public import FlowEngine

/// Retention and erasure of instances in memory (`InstanceRemoval`), and the erasures' audit (`ErasureLog`).
extension InMemoryFlowStore: InstanceRemoval, ErasureLog {
    public func purgeFinishedInstances(updatedBefore cutoff: Instant, limit: Int) async throws -> RemovedInstances {
        let due = instances.values.filter { $0.status.isFinished && $0.updatedAt < cutoff }
            .sorted { ($0.updatedAt, $0.id) < ($1.updatedAt, $1.id) }.prefix(max(0, limit)).map(\.id)
        return remove(due)
    }

    public func instances(agency: String?, mentioning needle: String) async throws -> [String: InstanceStatus] {
        var found: [String: InstanceStatus] = [:]
        for record in instances.values where agency == nil || record.agencyID == agency || record.agencyID == nil {
            let encoded = try encoded(record)
            let texts = [encoded.state, encoded.settings]
                + (histories[record.id] ?? []).map { Value.object($0.details).jsonText }
                + (inboxes[record.id] ?? []).map(\.payload.jsonText)
                + approvalRows.values.filter { $0.instanceID == record.id }.map(\.request.jsonText)
                + effects.values.filter { $0.instanceID == record.id }
                    .map { $0.request.jsonText + ($0.result?.jsonText ?? "") }
            if texts.contains(where: { $0.contains(needle) }) { found[record.id] = record.status }
        }
        return found
    }

    public func removeFinishedInstances(ids: [String]) async throws -> RemovedInstances {
        remove(ids)
    }

    private func remove(_ ids: [String]) -> RemovedInstances {
        var removed = RemovedInstances()
        for id in ids {
            guard let record = instances[id], record.status.isFinished else { continue }
            let ledger = effects.values.filter { $0.instanceID == id }.map(\.key)
            for key in ledger { effects[key] = nil }
            removed.effects += ledger.count
            removed.timelineEntries += histories[id]?.count ?? 0
            removed.instances += 1
            instances[id] = nil
            histories[id] = nil
            inboxes[id] = nil
            unencoded[id] = nil
            unencodedSettings[id] = nil
            for (row, approval) in approvalRows where approval.instanceID == id { approvalRows[row] = nil }
        }
        return removed
    }

    public func recordErasure(_ record: ErasureRecord) async throws {
        erasureRows.append(record)
    }

    public func erasures(agency: String?, limit: Int) async throws -> [ErasureRecord] {
        Array(erasureRows.filter { agency == nil || $0.agencyID == agency }
            .sorted { ($0.at, $0.id) > ($1.at, $1.id) }.prefix(max(0, limit)))
    }
}
