import PostgresNIO
import Synchronization

/// The batchers of statements other than the transitions' commit, one per kind of statement
/// (the effect ledger's begin and completion, the product's notification claims), all sized by
/// the store's `CommitBatching`.
final class StatementBatchers: Sendable {
    let batching: CommitBatching
    private let batchers = Mutex<[String: any Sendable]>([:])

    init(_ batching: CommitBatching) {
        self.batching = batching
    }

    /// The batcher of `kind`, made on first use; one kind always batches the same item and output.
    func batcher<Item: Sendable, Output: Sendable>(
        _ kind: String, of _: Item.Type, answering _: Output.Type
    ) -> CommitBatcher<Item, Output> {
        batchers.withLock { batchers in
            if let existing = batchers[kind] as? CommitBatcher<Item, Output> { return existing }
            precondition(batchers[kind] == nil, "statement batch '\(kind)' used with two item types")
            let made = CommitBatcher<Item, Output>(batching)
            batchers[kind] = made
            return made
        }
    }
}

/// Statements of one kind that several callers make at once, written together.
extension PostgresFlowStore {
    /// Writes `item` in a batch with the other items of `kind` submitted meanwhile: `write` gets
    /// them in arrival order and answers each one's outcome in that order (see `writeBatch`). With
    /// batching off (`FLOW_COMMIT_BATCH=1`) each batch holds one item.
    package func batched<Item: Sendable, Output: Sendable>(
        _ item: Item, as kind: String,
        write: @escaping @Sendable ([Item]) async -> [Result<Output, any Error>]
    ) async throws -> Output {
        try await statementBatchers.batcher(kind, of: Item.self, answering: Output.self).submit(item, send: write)
    }

    /// Whether statements of one kind are grouped (`CommitBatching.maxBatch` above 1).
    package var groupsStatements: Bool { statementBatchers.batching.maxBatch > 1 }

    /// A batch written by `together` when it holds several items, by `alone` when one. When the
    /// server refuses `together`'s statements (a deadlock, a value one item carries), nothing of
    /// them was committed and each item is written alone, so one bad item fails only itself. When
    /// the outcome is unknown (the connection lost, no answer in time), each fails with the store's
    /// error as a lone write would. `together` throws the driver's errors unmapped
    /// (`driverTransaction`, `driverRows`).
    package func writeBatch<Item: Sendable, Output: Sendable>(
        _ batch: [Item], kind: String,
        together: ([Item]) async throws -> [Result<Output, any Error>],
        alone: (Item) async throws -> Output
    ) async -> [Result<Output, any Error>] {
        func each() async -> [Result<Output, any Error>] {
            var results: [Result<Output, any Error>] = []
            for item in batch {
                do { results.append(.success(try await alone(item))) } catch { results.append(.failure(error)) }
            }
            return results
        }
        guard batch.count > 1 else { return await each() }
        do {
            let results = try await together(batch)
            guard results.count == batch.count else {
                let failure = StoreError(.corrupt, "\(kind): \(results.count) outcomes for \(batch.count) items")
                return batch.map { _ in .failure(failure) }
            }
            return results
        } catch let error as PSQLError where error.serverInfo != nil {
            logger.debug("batched statement refused; writing each alone", metadata: [
                "flow.batch": "\(kind)", "flow.error": "\(String(reflecting: error.serverInfo?[.message]))",
                "flow.count": "\(batch.count)",
            ])
            return await each()
        } catch {
            let failure = await storeError(error)
            return batch.map { _ in .failure(failure) }
        }
    }

    /// `writeBatch` for statements keyed by `key` (an effect's key, an instance's id…): `together`
    /// gets each key's first item only and answers each one's outcome, or nil for an item it did not
    /// write (its row was there before, say); those, and every repeat of a key, are then written
    /// alone, after the batch and in arrival order, so a later item of a key comes after an earlier one.
    package func writeBatch<Item: Sendable, Key: Hashable, Output: Sendable>(
        _ batch: [Item], kind: String, key: (Item) -> Key,
        together: ([Item]) async throws -> [Output?],
        alone: (Item) async throws -> Output
    ) async -> [Result<Output, any Error>] {
        await writeBatch(batch, kind: kind, together: { batch in
            var keys = Set<Key>()
            let firsts = batch.indices.filter { keys.insert(key(batch[$0])).inserted }
            let written = try await together(firsts.map { batch[$0] })
            guard written.count == firsts.count else {
                throw StoreError(.corrupt, "\(kind): \(written.count) outcomes for \(firsts.count) items")
            }
            var outcomes: [Int: Output] = [:]
            for (index, outcome) in zip(firsts, written) { outcomes[index] = outcome }
            var results: [Result<Output, any Error>] = []
            for (index, item) in batch.enumerated() {
                if let outcome = outcomes[index] {
                    results.append(.success(outcome))
                } else {
                    do { results.append(.success(try await alone(item))) } catch { results.append(.failure(error)) }
                }
            }
            return results
        }, alone: alone)
    }

    /// A driver error as the store reports it (`mapped`).
    func storeError(_ error: any Error) async -> any Error {
        do {
            try await mapped { () async throws -> Void in throw error }
            return error
        } catch {
            return error
        }
    }
}
