public import FlowEngine
public import FlowRuntime
import PostgresNIO

/// Delivery statuses on PostgreSQL: applied to the log row carrying the message id, or kept in
/// `pending_message_statuses` until `updateNotification` records that id.
///
/// **No lost callback under concurrency.** The send's record is one statement (it deletes the
/// pending row and writes `provider_id` with the status applied). A callback for an unknown id
/// keeps its status in a transaction that first takes `SHARE ROW EXCLUSIVE` on `notifications_log`:
/// that waits for a record in flight to commit (so the re-check then sees its `provider_id`) and
/// holds back records that start meanwhile until the pending row is committed (their statement's
/// snapshot is taken after the lock is granted, so they see and apply it). The lock is taken only
/// on that rare path; a callback for a known id is one statement.
extension PostgresFlowStore {
    /// Every ranked status with its rank (`NotificationStatusOrder`), as two parallel arrays to bind.
    static var statusRanks: (statuses: [String], ranks: [Int]) {
        let pairs = NotificationStatusOrder.rankedGroups.flatMap { group in group.statuses.map { ($0, group.rank) } }
        return (pairs.map(\.0), pairs.map(\.1))
    }

    /// Records that arrive together (sends answered at once) are one statement
    /// (`PostgresFlowStore+NotificationRecords.swift`); alone, `updateNotificationAlone`.
    public func updateNotification(
        tripID: String, type: String, key: String, status: String, providerID: String?, error: String?
    ) async throws {
        let record = NotificationRecord(
            tripID: tripID, type: type, key: key, status: status, providerID: providerID, error: error)
        guard groupsStatements else { return try await updateNotificationAlone(record) }
        try await batched(record, as: "notification.record") { [self] batch in await updateNotifications(batch) }
    }

    func updateNotificationAlone(_ record: NotificationRecord) async throws {
        let (tripID, type, key, status, providerID, error) =
            (record.tripID, record.type, record.key, record.status, record.providerID, record.error)
        let (statuses, ranks) = Self.statusRanks
        let updated = try await rows(
            """
            WITH pending AS (
                DELETE FROM pending_message_statuses
                WHERE message_sid = \(providerID)::text AND EXISTS (
                    SELECT 1 FROM notifications_log WHERE trip_id = \(tripID) AND type = \(type) AND key = \(key))
                RETURNING status, error_code
            ), winner AS (
                SELECT p.status, p.error_code FROM pending p
                WHERE COALESCE((SELECT o.r FROM unnest(\(statuses)::text[], \(ranks)::bigint[]) AS o(s, r)
                                WHERE o.s = p.status), 1) > \(NotificationStatusOrder.rank(status))
            )
            UPDATE notifications_log SET status = COALESCE((SELECT w.status FROM winner w), \(status)),
                provider_id = COALESCE(\(providerID), provider_id),
                error = CASE WHEN EXISTS (SELECT 1 FROM winner) THEN COALESCE((SELECT w.error_code FROM winner w), \(error))
                             ELSE \(error) END,
                updated_at = \(StoreCoding.wallClock().postgres)
            WHERE trip_id = \(tripID) AND type = \(type) AND key = \(key) RETURNING id
            """
        )
        guard !updated.isEmpty else {
            throw StoreError(.notFound, "no notification claimed for trip '\(tripID)', \(type), '\(key)'")
        }
    }

    /// Applies `NotificationStatusOrder`: only a status of higher rank replaces the logged one.
    public func updateNotificationStatus(providerID: String, status: String, errorCode: String?) async throws {
        _ = try await rows(Self.applyStatus(providerID: providerID, status: status, errorCode: errorCode))
    }

    public func recordMessageStatus(_ report: MessageStatusReport) async throws -> MessageStatusOutcome {
        let apply = Self.applyStatus(providerID: report.messageSid, status: report.status, errorCode: report.errorCode)
        if try Self.logged(try await rows(apply)) { return .logged }
        return try await transaction { session in
            try await session.query("LOCK TABLE notifications_log IN SHARE ROW EXCLUSIVE MODE")
            if try Self.logged(try await session.query(apply)) { return .logged }
            let (statuses, ranks) = Self.statusRanks
            try await session.query(
                """
                DELETE FROM pending_message_statuses
                WHERE received_at < \(report.retentionCutoff.postgres) AND message_sid <> \(report.messageSid)
                """
            )
            try await session.query(
                """
                INSERT INTO pending_message_statuses AS p
                    (message_sid, account_sid, status, error_code, received_at, updated_at)
                VALUES (\(report.messageSid), \(report.accountSid), \(report.status), \(report.errorCode),
                    \(report.receivedAt.postgres), \(report.receivedAt.postgres))
                ON CONFLICT (message_sid) DO UPDATE SET status = EXCLUDED.status,
                    error_code = COALESCE(EXCLUDED.error_code, p.error_code),
                    account_sid = COALESCE(EXCLUDED.account_sid, p.account_sid), updated_at = EXCLUDED.updated_at
                WHERE COALESCE((SELECT o.r FROM unnest(\(statuses)::text[], \(ranks)::bigint[]) AS o(s, r)
                                WHERE o.s = p.status), 1) < \(NotificationStatusOrder.rank(report.status))
                """
            )
            return .pending
        }
    }

    public func pendingMessageStatus(messageSid: String) async throws -> MessageStatusReport? {
        try await rows(
            """
            SELECT message_sid, account_sid, status, error_code, received_at FROM pending_message_statuses
            WHERE message_sid = \(messageSid)
            """
        ).first.map { row in
            let r = row.makeRandomAccess()
            return MessageStatusReport(
                messageSid: try r["message_sid"].decode(String.self), accountSid: try r["account_sid"].decode(String?.self),
                status: try r["status"].decode(String.self), errorCode: try r["error_code"].decode(String?.self),
                receivedAt: try r["received_at"].decode(PostgresInstant.self).instant)
        }
    }

    /// One statement: applies the status to the rows carrying `providerID` by precedence and
    /// answers how many rows carry it (`logged`), whether or not the status won.
    static func applyStatus(providerID: String, status: String, errorCode: String?) -> PostgresQuery {
        let (statuses, ranks) = statusRanks
        return """
            WITH target AS (SELECT id FROM notifications_log WHERE provider_id = \(providerID)),
            applied AS (
                UPDATE notifications_log SET status = \(status), error = COALESCE(\(errorCode), error),
                    updated_at = \(StoreCoding.wallClock().postgres)
                WHERE provider_id = \(providerID)
                  AND COALESCE((SELECT o.r FROM unnest(\(statuses)::text[], \(ranks)::bigint[]) AS o(s, r)
                                WHERE o.s = notifications_log.status), 1) < \(NotificationStatusOrder.rank(status))
                RETURNING id
            )
            SELECT COUNT(*)::bigint AS logged FROM target
            """
    }

    private static func logged(_ rows: [PostgresRow]) throws -> Bool {
        try (rows.first?.decode(Int64.self) ?? 0) > 0
    }
}
