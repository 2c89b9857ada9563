import FlowEngine
import PostgresNIO

/// Group commit on PostgreSQL: the transitions of several instances in one statement, each still
/// fenced on its own lease (`CommitBatcher` forms the batches; `CommitBatching` sets their size).
extension PostgresFlowStore {
    /// One transition with the owner that commits it.
    struct PendingCommit: Sendable {
        var transition: TransitionRecord
        var owner: String
    }

    /// Writes a batch: one commit alone as `commitAlone`; several in one statement. When the
    /// server refuses that statement (a deadlock between two batches, a value one transition
    /// carries), nothing of it was written and each is written alone, so one bad transition fails
    /// only itself. When the outcome is unknown (the connection lost, no answer in time), each
    /// fails as a lone commit would: the workers abandon the transitions and whoever next holds
    /// the leases reads what was stored.
    func write(_ batch: [PendingCommit]) async -> [Result<Void, any Error>] {
        guard batch.count > 1 else {
            return [await alone(batch[0])]
        }
        do {
            return try await commitTogether(batch)
        } catch let error as PSQLError where error.serverInfo != nil {
            logger.debug("batched commit refused; committing each alone", metadata: [
                "flow.error": "\(String(reflecting: error.serverInfo?[.message]))", "flow.count": "\(batch.count)",
            ])
            var results: [Result<Void, any Error>] = []
            for pending in batch { results.append(await alone(pending)) }
            return results
        } catch {
            let failure = await storeError(error)
            return batch.map { _ in .failure(failure) }
        }
    }

    /// A driver error as the store reports it (`mapped`).
    private func storeError(_ error: any Error) async -> any Error {
        do {
            try await mapped { () async throws -> Void in throw error }
            return error
        } catch {
            return error
        }
    }

    private func alone(_ pending: PendingCommit) async -> Result<Void, any Error> {
        do {
            try await commitAlone(pending.transition, owner: pending.owner)
            return .success(())
        } catch {
            return .failure(error)
        }
    }

    /// The batch's statement: `commitAlone`'s CTEs over arrays with one element per transition
    /// (`t.idx` numbers them), history rows and consumed inbox events tagged with their
    /// transition's number. Instants travel as epoch milliseconds; `nil` ones and released leases
    /// travel as sentinels turned back into NULL.
    private func commitTogether(_ batch: [PendingCommit]) async throws -> [Result<Void, any Error>] {
        let none = Int64.min
        let noneSQL = "'\(none)'::int8"
        var ids: [String] = [], owners: [String] = [], states: [String] = [], statuses: [String] = []
        var wakes: [Int64] = [], ats: [Int64] = [], keeps: [Int64] = [], counts: [Int32] = []
        var historyIndex: [Int32] = [], historyNumber: [Int32] = [], historyAt: [Int64] = []
        var historyKinds: [String] = [], historyDetails: [String] = []
        var consumedIndex: [Int32] = [], consumedEvents: [Int64] = []
        for (offset, pending) in batch.enumerated() {
            let transition = pending.transition
            let index = Int32(offset + 1)
            let entries = try HistoryArrays(transition.history)
            ids.append(transition.instanceID)
            owners.append(pending.owner)
            states.append(transition.state)
            statuses.append(transition.status.rawValue)
            wakes.append(transition.wakeAt?.epochMilliseconds ?? none)
            ats.append(transition.at.epochMilliseconds)
            keeps.append(transition.keepLeaseUntil?.epochMilliseconds ?? none)
            counts.append(Int32(entries.count))
            for position in 0..<entries.count {
                historyIndex.append(index)
                historyNumber.append(Int32(position + 1))
                historyAt.append(entries.milliseconds[position])
                historyKinds.append(entries.kinds[position])
                historyDetails.append(entries.details[position])
            }
            for event in transition.consumedEvents {
                consumedIndex.append(index)
                consumedEvents.append(event)
            }
        }
        // Unmapped driver errors: `write` tells a refused statement from an unknown outcome.
        let rows = try await withConnection { connection in
            try await PostgresSession(connection: connection, timeout: statementTimeout, logger: logger).query(
            """
            WITH input AS (
                SELECT * FROM unnest(\(ids)::text[], \(owners)::text[], \(states)::text[], \(statuses)::text[],
                                     \(wakes)::int8[], \(ats)::int8[], \(keeps)::int8[], \(counts)::int4[])
                    WITH ORDINALITY AS t(id, owner, state, status, wake_ms, at_ms, keep_ms, n, idx)
            ), moved AS (
                UPDATE flow_instances f
                SET state = t.state::json, status = t.status,
                    wake_at = \(unescaped: HistoryArrays.instantFromMilliseconds("NULLIF(t.wake_ms, \(noneSQL))")),
                    updated_at = \(unescaped: HistoryArrays.instantFromMilliseconds("t.at_ms")),
                    lease_owner = CASE WHEN t.keep_ms = \(unescaped: noneSQL) THEN NULL ELSE t.owner END,
                    lease_until = \(unescaped: HistoryArrays.instantFromMilliseconds("NULLIF(t.keep_ms, \(noneSQL))")),
                    last_seq = f.last_seq + t.n
                FROM input t
                WHERE f.id = t.id AND f.lease_owner = t.owner
                RETURNING t.idx, f.id, f.last_seq - t.n AS base
            ), appended AS (
                INSERT INTO instance_events (instance_id, seq, at, kind, details)
                SELECT m.id, m.base + h.n, \(unescaped: HistoryArrays.instantFromMilliseconds("h.ms")), h.kind,
                    h.details::jsonb
                FROM unnest(\(historyIndex)::int4[], \(historyNumber)::int4[], \(historyAt)::int8[],
                            \(historyKinds)::text[], \(historyDetails)::text[]) AS h(idx, n, ms, kind, details)
                JOIN moved m ON m.idx = h.idx
            ), consumed AS (
                UPDATE instance_inbox b
                SET consumed_at = \(unescaped: HistoryArrays.instantFromMilliseconds("t.at_ms"))
                FROM unnest(\(consumedIndex)::int4[], \(consumedEvents)::int8[]) AS c(idx, event)
                JOIN moved m ON m.idx = c.idx JOIN input t ON t.idx = c.idx
                WHERE b.instance_id = m.id AND b.id = c.event AND b.consumed_at IS NULL
            )
            SELECT t.idx, m.id IS NOT NULL AS moved, i.id AS found, i.lease_owner AS holder
            FROM input t LEFT JOIN moved m ON m.idx = t.idx LEFT JOIN flow_instances i ON i.id = t.id
            ORDER BY t.idx
            """
            )
        }
        var results = [Result<Void, any Error>](
            repeating: .failure(StoreError(.corrupt, "batched commit reported nothing")), count: batch.count)
        for row in rows {
            let (index, moved, found, holder) = try row.decode((Int64, Bool, String?, String?).self)
            let offset = Int(index) - 1
            guard batch.indices.contains(offset) else { continue }
            let pending = batch[offset]
            let id = pending.transition.instanceID
            if moved {
                results[offset] = .success(())
                if !pending.transition.history.isEmpty || pending.transition.status.isFinished {
                    announce(TimelineAnnouncement(instanceID: id, ended: pending.transition.status.isFinished,
                                                  owner: pending.owner))
                }
            } else if found == nil {
                results[offset] = .failure(StoreError(.notFound, "instance '\(id)' does not exist"))
            } else {
                let name = holder.map { "'\($0)'" } ?? "nobody"
                results[offset] = .failure(StoreError(
                    .leaseLost, "'\(pending.owner)' no longer holds the lease on '\(id)' (held by \(name))"))
            }
        }
        return results
    }
}
