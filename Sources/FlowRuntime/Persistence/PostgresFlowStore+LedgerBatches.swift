public import FlowEngine
import PostgresNIO

/// One completion of an effect ledger entry (`FlowStore.completeEffect`).
struct EffectCompletion: Sendable {
    var key: String
    var status: EffectRecord.Status
    var result: Value?
    var providerID: String?
    var completedAt: Instant?
}

/// The effect ledger's begins and completions that several instances make at once, each kind in
/// one statement (`batched`, `writeBatch`): a send costs the database two statements fewer than
/// its instances' number when many are in flight. Outcomes are each item's own, as if written alone.
extension PostgresFlowStore {
    /// New keys in one `INSERT … SELECT FROM unnest(…) ON CONFLICT DO NOTHING`; a key that was
    /// already there (begun before) or repeats one earlier in the batch is then begun alone, which
    /// marks a pending earlier row in doubt as a lone begin does.
    func beginEffects(_ batch: [EffectRecord]) async -> [Result<EffectBeginResult, any Error>] {
        await writeBatch(batch, kind: "effect.begin", key: \.key, together: { effects in
            var keys: [String] = [], instances: [String] = [], steps: [String] = [], requests: [String] = []
            var startedAt: [Int64] = []
            for effect in effects {
                keys.append(effect.key)
                instances.append(effect.instanceID)
                steps.append(effect.step)
                requests.append(try StoreCoding.json(effect.request))
                startedAt.append(effect.startedAt.epochMilliseconds)
            }
            let started = HistoryArrays.instantFromMilliseconds("e.started_ms")
            let inserted = Set(try await driverRows(
                """
                INSERT INTO effects (key, instance_id, step, status, request, started_at)
                SELECT e.key, e.instance_id, e.step, 'pending', e.request::jsonb, \(unescaped: started)
                FROM unnest(\(keys)::text[], \(instances)::text[], \(steps)::text[], \(requests)::text[],
                            \(startedAt)::int8[]) AS e(key, instance_id, step, request, started_ms)
                ON CONFLICT (key) DO NOTHING RETURNING key
                """
            ).map { try $0.decode(String.self) })
            return effects.map { inserted.contains($0.key) ? .started : nil }
        }, alone: beginEffectAlone)
    }

    /// Completions in one `UPDATE … FROM unnest(…)`; a key completed twice in one batch is
    /// completed alone the second time (after the batch), so the later completion wins; a key with
    /// no row is completed alone too, which reports it.
    func completeEffects(_ batch: [EffectCompletion]) async -> [Result<Void, any Error>] {
        await writeBatch(batch, kind: "effect.complete", key: \.key, together: { completions in
            let none = GroupCommitStatement.none
            var keys: [String] = [], statuses: [String] = [], results: [String] = [], hasResult: [Bool] = []
            var providers: [String] = [], hasProvider: [Bool] = [], completed: [Int64] = []
            for completion in completions {
                keys.append(completion.key)
                statuses.append(completion.status.rawValue)
                results.append(try StoreCoding.json(completion.result) ?? "")
                hasResult.append(completion.result != nil)
                providers.append(completion.providerID ?? "")
                hasProvider.append(completion.providerID != nil)
                completed.append(completion.completedAt?.epochMilliseconds ?? none)
            }
            let instant = HistoryArrays.instantFromMilliseconds("NULLIF(c.completed_ms, '\(none)'::int8)")
            let updated = Set(try await driverRows(
                """
                UPDATE effects e
                SET status = c.status, result = CASE WHEN c.has_result THEN c.result::jsonb END,
                    provider_id = CASE WHEN c.has_provider THEN c.provider_id END,
                    completed_at = \(unescaped: instant)
                FROM unnest(\(keys)::text[], \(statuses)::text[], \(results)::text[], \(hasResult)::bool[],
                            \(providers)::text[], \(hasProvider)::bool[], \(completed)::int8[])
                    AS c(key, status, result, has_result, provider_id, has_provider, completed_ms)
                WHERE e.key = c.key
                RETURNING e.key
                """
            ).map { try $0.decode(String.self) })
            return completions.map { updated.contains($0.key) ? () : nil }
        }, alone: completeEffectAlone)
    }
}
