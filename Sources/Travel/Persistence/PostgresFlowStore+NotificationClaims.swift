import FlowEngine
import FlowRuntime
import PostgresNIO

/// Notification claims that several sends make at once, written together (`batched`,
/// `writeBatch`): without caps one `INSERT … SELECT FROM unnest(…)`; with caps one transaction
/// that takes the union of the claims' cap locks (sorted, as a lone claim takes its own), reads
/// every capped window's count and which claims the log already holds, decides in order
/// (`NotificationClaimBatch.verdicts`), and inserts the rows. Claims of one agency then wait for
/// one lock and one commit per batch instead of one per claim, and no cap is exceeded: the
/// verdicts count the batch's own earlier claims as the log's rows.
extension PostgresFlowStore {
    func claimNotifications(
        _ batch: [NotificationClaimBatch.Entry]
    ) async -> [Result<NotificationClaimOutcome, any Error>] {
        await writeBatch(batch, kind: "notification.claim", together: claimTogether) { entry in
            try await claimNotificationAlone(entry.claim, caps: entry.caps)
        }
    }

    private func claimTogether(
        _ batch: [NotificationClaimBatch.Entry]
    ) async throws -> [Result<NotificationClaimOutcome, any Error>] {
        let locks = Set(batch.flatMap { $0.caps.lockNames(trip: $0.claim.tripID, agency: $0.claim.agencyID) }).sorted()
        guard !locks.isEmpty else {
            // No caps: nothing to count; a row already there is a duplicate the insert reports.
            return try await insertClaims(NotificationClaimBatch.verdicts(batch), of: batch) { try await driverRows($0) }
        }
        return try await driverTransaction { session in
            try await session.query(
                "SELECT pg_advisory_xact_lock(hashtextextended(n, 0)) FROM unnest(\(locks)::text[]) AS n")
            let entries = try await readWindows(batch, session: session)
            return try await insertClaims(NotificationClaimBatch.verdicts(entries), of: entries) {
                try await session.query($0)
            }
        }
    }

    /// Each entry with whether its key is in the log and its capped windows' counted rows, in one
    /// statement: one existence probe per claim, and one count per trip or agency and window
    /// length (`ClaimWindows`), not one per claim.
    private func readWindows(
        _ batch: [NotificationClaimBatch.Entry], session: PostgresSession
    ) async throws -> [NotificationClaimBatch.Entry] {
        let windows = ClaimWindows(batch)
        let uncounted = NotificationStatusOrder.uncountedForCaps
        let (latest, earliest) = (
            HistoryArrays.instantFromMilliseconds("w.latest_ms"), HistoryArrays.instantFromMilliseconds("w.earliest_ms"))
        let rows = try await session.query(
            """
            SELECT 0 AS part, c.n AS position,
                (EXISTS (SELECT 1 FROM notifications_log l WHERE l.trip_id = c.trip AND l.type = c.type AND l.key = c.key))::int::int8,
                '{}'::int8[]
            FROM unnest(\(batch.map(\.claim.tripID))::text[], \(batch.map(\.claim.type))::text[],
                        \(batch.map(\.claim.key))::text[]) WITH ORDINALITY AS c(trip, type, key, n)
            UNION ALL
            SELECT 1, w.n,
                CASE WHEN w.scope = 'trip'
                    THEN (SELECT COUNT(*) FROM notifications_log l WHERE l.trip_id = w.id
                          AND l.status <> ALL(\(uncounted)) AND l.created_at >= \(unescaped: latest))
                    ELSE (SELECT COUNT(*) FROM notifications_log l WHERE l.agency_id = w.id
                          AND l.status <> ALL(\(uncounted)) AND l.created_at >= \(unescaped: latest)) END,
                CASE WHEN w.scope = 'trip'
                    THEN ARRAY(SELECT (EXTRACT(EPOCH FROM l.created_at) * 1000)::int8 FROM notifications_log l
                               WHERE l.trip_id = w.id AND l.status <> ALL(\(uncounted))
                                 AND l.created_at >= \(unescaped: earliest) AND l.created_at < \(unescaped: latest))
                    ELSE ARRAY(SELECT (EXTRACT(EPOCH FROM l.created_at) * 1000)::int8 FROM notifications_log l
                               WHERE l.agency_id = w.id AND l.status <> ALL(\(uncounted))
                                 AND l.created_at >= \(unescaped: earliest) AND l.created_at < \(unescaped: latest)) END
            FROM unnest(\(windows.scopes)::text[], \(windows.ids)::text[], \(windows.earliest)::int8[],
                        \(windows.latest)::int8[]) WITH ORDINALITY AS w(scope, id, earliest_ms, latest_ms, n)
            """
        )
        var entries = batch
        var stored: [NotificationClaimBatch.StoredWindow?] = Array(repeating: nil, count: windows.ids.count)
        for row in rows {
            let (part, position, count, earlier) = try row.decode((Int32, Int64, Int64, [Int64]).self)
            let index = Int(position) - 1
            if part == 0, entries.indices.contains(index) {
                entries[index].exists = count != 0
            } else if part == 1, stored.indices.contains(index) {
                stored[index] = NotificationClaimBatch.StoredWindow(
                    fromLatest: Int(count), earlier: earlier.map(Instant.init(epochMilliseconds:)))
            }
        }
        for index in entries.indices {
            let claim = entries[index].claim
            let (day, hour) = (NotificationCaps.dayStart(claim.at), NotificationCaps.hourStart(claim.at))
            func count(_ scope: ClaimWindows.Scope, _ id: String?, since start: Instant) -> Int {
                guard let id, let position = windows.position[ClaimWindows.Key(scope: scope, id: id)] else { return 0 }
                return stored[position]?.count(since: start) ?? 0
            }
            entries[index].tripDay = count(.tripDay, claim.tripID, since: day)
            entries[index].agencyHour = count(.agencyHour, claim.agencyID, since: hour)
            entries[index].agencyDay = count(.agencyDay, claim.agencyID, since: day)
        }
        return entries
    }

    /// Inserts the claims the verdicts admit (`claimed`) or suppress; a row the insert did not write
    /// (claimed meanwhile by a claim that takes no lock) is a duplicate.
    private func insertClaims(
        _ verdicts: [NotificationClaimOutcome], of entries: [NotificationClaimBatch.Entry],
        run: (PostgresQuery) async throws -> [PostgresRow]
    ) async throws -> [Result<NotificationClaimOutcome, any Error>] {
        var trips: [String] = [], agencies: [String] = [], hasAgency: [Bool] = [], instances: [String] = []
        var hasInstance: [Bool] = [], types: [String] = [], keys: [String] = [], statuses: [String] = []
        var recipients: [String] = [], templates: [String] = [], variables: [String] = [], errors: [String] = []
        var ats: [Int64] = []
        for (entry, verdict) in zip(entries, verdicts) {
            let status: String, error: String
            switch verdict {
            case .duplicate: continue
            case .claimed: (status, error) = ("claimed", "")
            case .suppressed(let reason): (status, error) = ("suppressed", reason)
            }
            let claim = entry.claim
            trips.append(claim.tripID)
            agencies.append(claim.agencyID ?? "")
            hasAgency.append(claim.agencyID != nil)
            instances.append(claim.instanceID ?? "")
            hasInstance.append(claim.instanceID != nil)
            types.append(claim.type)
            keys.append(claim.key)
            statuses.append(status)
            recipients.append(claim.to)
            templates.append(claim.template)
            variables.append(try StoreCoding.json(claim.variables))
            errors.append(error)
            ats.append(claim.at.epochMilliseconds)
        }
        var written = Set<NotificationClaimBatch.ClaimKey>()
        if !trips.isEmpty {
            let at = HistoryArrays.instantFromMilliseconds("c.at_ms")
            for row in try await run(
                """
                INSERT INTO notifications_log (trip_id, agency_id, instance_id, type, key, status, recipient, template,
                    variables, error, created_at, updated_at)
                SELECT c.trip, CASE WHEN c.has_agency THEN c.agency END, CASE WHEN c.has_instance THEN c.instance END,
                    c.type, c.key, c.status, c.recipient, c.template, c.variables::jsonb,
                    CASE WHEN c.status = 'suppressed' THEN c.error END, \(unescaped: at), \(unescaped: at)
                FROM unnest(\(trips)::text[], \(agencies)::text[], \(hasAgency)::bool[], \(instances)::text[],
                            \(hasInstance)::bool[], \(types)::text[], \(keys)::text[], \(statuses)::text[],
                            \(recipients)::text[], \(templates)::text[], \(variables)::text[], \(errors)::text[],
                            \(ats)::int8[])
                    AS c(trip, agency, has_agency, instance, has_instance, type, key, status, recipient, template,
                         variables, error, at_ms)
                ON CONFLICT (trip_id, type, key) DO NOTHING RETURNING trip_id, type, key
                """
            ) {
                let (trip, type, key) = try row.decode((String, String, String).self)
                written.insert(NotificationClaimBatch.ClaimKey(tripID: trip, type: type, key: key))
            }
        }
        return zip(entries, verdicts).map { entry, verdict in
            if case .duplicate = verdict { return .success(.duplicate) }
            return .success(written.contains(NotificationClaimBatch.ClaimKey(entry.claim)) ? verdict : .duplicate)
        }
    }
}

/// The windows a batch of claims counts: one per trip (a day) and per agency (an hour, a day) that a
/// claim's caps limit, spanning the window starts of the claims that count it.
private struct ClaimWindows {
    enum Scope: String {
        case tripDay = "trip", agencyHour = "agency-hour", agencyDay = "agency-day"
    }

    struct Key: Hashable {
        var scope: Scope
        var id: String
    }

    var scopes: [String] = [], ids: [String] = [], earliest: [Int64] = [], latest: [Int64] = []
    var position: [Key: Int] = [:]

    init(_ batch: [NotificationClaimBatch.Entry]) {
        for entry in batch {
            let claim = entry.claim
            let (day, hour) = (NotificationCaps.dayStart(claim.at), NotificationCaps.hourStart(claim.at))
            if entry.caps.perTripPerDay != nil { add(.tripDay, claim.tripID, from: day) }
            if let agency = claim.agencyID {
                if entry.caps.perAgencyPerHour != nil { add(.agencyHour, agency, from: hour) }
                if entry.caps.perAgencyPerDay != nil { add(.agencyDay, agency, from: day) }
            }
        }
    }

    private mutating func add(_ scope: Scope, _ id: String, from start: Instant) {
        let key = Key(scope: scope, id: id)
        let ms = start.epochMilliseconds
        if let index = position[key] {
            earliest[index] = min(earliest[index], ms)
            latest[index] = max(latest[index], ms)
        } else {
            position[key] = ids.count
            scopes.append(scope.rawValue)
            ids.append(id)
            earliest.append(ms)
            latest.append(ms)
        }
    }
}
