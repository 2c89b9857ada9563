import FlowEngine
import FlowRuntime
import PostgresNIO

/// A send's outcome recorded in its log row (`NotificationLog.updateNotification`).
struct NotificationRecord: Sendable {
    var tripID: String, type: String, key: String, status: String
    var providerID: String?, error: String?
}

/// Send outcomes that several instances record at once, in one statement (`batched`,
/// `writeBatch`) that does for each row what `updateNotificationAlone` does: the pending status
/// Twilio reported before the id was known is taken (deleted) and applied when it ranks higher.
/// Being one statement, it keeps the lone record's guarantee against a concurrent callback
/// (`recordMessageStatus`, the comment at the top of `PostgresFlowStore+MessageStatuses.swift`).
extension PostgresFlowStore {
    /// A row with no claim, and a record repeating one earlier in the batch, are then written alone
    /// (the first reports the missing claim; the second comes after the first).
    func updateNotifications(_ batch: [NotificationRecord]) async -> [Result<Void, any Error>] {
        await writeBatch(batch, kind: "notification.record", key: {
            NotificationClaimBatch.ClaimKey(tripID: $0.tripID, type: $0.type, key: $0.key)
        }, together: { records in
            var trips: [String] = [], types: [String] = [], keys: [String] = [], statuses: [String] = []
            var ranks: [Int] = [], providers: [String] = [], hasProvider: [Bool] = [], errors: [String] = []
            var hasError: [Bool] = []
            for record in records {
                trips.append(record.tripID)
                types.append(record.type)
                keys.append(record.key)
                statuses.append(record.status)
                ranks.append(NotificationStatusOrder.rank(record.status))
                providers.append(record.providerID ?? "")
                hasProvider.append(record.providerID != nil)
                errors.append(record.error ?? "")
                hasError.append(record.error != nil)
            }
            let (rankedStatuses, statusRanks) = Self.statusRanks
            let updated = Set(try await driverRows(
                """
                WITH input AS (
                    SELECT * FROM unnest(\(trips)::text[], \(types)::text[], \(keys)::text[], \(statuses)::text[],
                                         \(ranks)::int8[], \(providers)::text[], \(hasProvider)::bool[],
                                         \(errors)::text[], \(hasError)::bool[])
                        WITH ORDINALITY AS u(trip, type, key, status, rank, provider, has_provider, error, has_error, idx)
                ), pending AS (
                    DELETE FROM pending_message_statuses p USING input u
                    WHERE u.has_provider AND p.message_sid = u.provider AND EXISTS (
                        SELECT 1 FROM notifications_log WHERE trip_id = u.trip AND type = u.type AND key = u.key)
                    RETURNING u.idx, u.rank, p.status, p.error_code
                ), winner AS (
                    SELECT p.idx, p.status, p.error_code FROM pending p
                    WHERE COALESCE((SELECT o.r FROM unnest(\(rankedStatuses)::text[], \(statusRanks)::int8[]) AS o(s, r)
                                    WHERE o.s = p.status), 1) > p.rank
                )
                UPDATE notifications_log l SET status = COALESCE(w.status, u.status),
                    provider_id = COALESCE(CASE WHEN u.has_provider THEN u.provider END, l.provider_id),
                    error = CASE WHEN w.idx IS NOT NULL THEN COALESCE(w.error_code, CASE WHEN u.has_error THEN u.error END)
                                 ELSE CASE WHEN u.has_error THEN u.error END END,
                    updated_at = \(StoreCoding.wallClock().postgres)
                FROM input u LEFT JOIN winner w ON w.idx = u.idx
                WHERE l.trip_id = u.trip AND l.type = u.type AND l.key = u.key
                RETURNING u.idx
                """
            ).map { try $0.decode(Int64.self) })
            return records.indices.map { updated.contains(Int64($0 + 1)) ? () : nil }
        }, alone: updateNotificationAlone)
    }
}
