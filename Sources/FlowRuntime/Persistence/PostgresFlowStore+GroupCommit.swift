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

    /// Writes a batch (`writeBatch`): one commit alone as `commitAlone`; several in one statement.
    /// A refused statement (a deadlock between two batches, a value one transition carries) is
    /// retried one transition at a time; an unknown outcome fails each as a lone commit would: the
    /// workers abandon the transitions and whoever next holds the leases reads what was stored.
    func write(_ batch: [PendingCommit]) async -> [Result<Void, any Error>] {
        await writeBatch(batch, kind: "commit", together: commitTogether) { pending in
            try await commitAlone(pending.transition, owner: pending.owner)
        }
    }

    /// The batch in one prepared statement (`GroupCommitStatement`).
    private func commitTogether(_ batch: [PendingCommit]) async throws -> [Result<Void, any Error>] {
        let none = GroupCommitStatement.none
        var statement = GroupCommitStatement()
        for (offset, pending) in batch.enumerated() {
            let transition = pending.transition
            let index = Int32(offset + 1)
            let entries = try HistoryArrays(transition.history)
            statement.ids.append(transition.instanceID)
            statement.owners.append(pending.owner)
            statement.states.append(transition.state)
            statement.statuses.append(transition.status.rawValue)
            statement.wakes.append(transition.wakeAt?.epochMilliseconds ?? none)
            statement.ats.append(transition.at.epochMilliseconds)
            statement.keeps.append(transition.keepLeaseUntil?.epochMilliseconds ?? none)
            statement.counts.append(Int32(entries.count))
            for position in 0..<entries.count {
                statement.historyIndex.append(index)
                statement.historyNumber.append(Int32(position + 1))
                statement.historyAt.append(entries.milliseconds[position])
                statement.historyKinds.append(entries.kinds[position])
                statement.historyDetails.append(entries.details[position])
            }
            for event in transition.consumedEvents {
                statement.consumedIndex.append(index)
                statement.consumedEvents.append(event)
            }
        }
        // Unmapped driver errors: `write` tells a refused statement from an unknown outcome.
        let rows = try await withConnection { connection in
            try await PostgresSession(connection: connection, timeout: statementTimeout, logger: logger)
                .execute(statement)
        }
        var results = [Result<Void, any Error>](
            repeating: .failure(StoreError(.corrupt, "batched commit reported nothing")), count: batch.count)
        for (index, moved, found, holder) in rows {
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
