public import FlowEngine
public import FlowRuntime
import SQLiteNIO

/// Delivery statuses on SQLite: applied to the log row carrying the message id, or kept in
/// `pending_message_statuses` until `updateNotification` records that id. Every write runs in one
/// `BEGIN IMMEDIATE` transaction, so a callback and the send's record never interleave.
extension SQLiteFlowStore {
    /// `CASE … END` giving the `NotificationStatusOrder` rank of `column`, with its binds.
    static func rankCase(_ column: String) -> (sql: String, binds: [SQLiteData]) {
        var sql = "CASE"
        var binds: [SQLiteData] = []
        for group in NotificationStatusOrder.rankedGroups {
            sql += " WHEN \(column) IN (\(group.statuses.map { _ in "?" }.joined(separator: ", "))) THEN ?"
            binds += group.statuses.map { .text($0) } + [.integer(group.rank)]
        }
        return (sql + " ELSE 1 END", binds)
    }

    /// Applies `NotificationStatusOrder` to the rows carrying `providerID` (inside a write transaction).
    func applyStatus(providerID: String, status: String, errorCode: String?) async throws {
        let rank = Self.rankCase("status")
        try await exec(
            """
            UPDATE notifications_log SET status = ?, error = COALESCE(?, error), updated_at = ?
            WHERE provider_id = ? AND (\(rank.sql)) < ?
            """,
            [.text(status), .optional(errorCode), .instant(StoreCoding.wallClock()), .text(providerID)] + rank.binds
                + [.integer(NotificationStatusOrder.rank(status))]
        )
    }

    /// Applies and deletes the status pending for `providerID` (inside the write transaction that recorded it).
    func applyPendingStatus(providerID: String) async throws {
        guard let pending = try await pendingRow(messageSid: providerID) else { return }
        try await applyStatus(providerID: providerID, status: pending.status, errorCode: pending.errorCode)
        try await exec("DELETE FROM pending_message_statuses WHERE message_sid = ?", [.text(providerID)])
    }

    public func recordMessageStatus(_ report: MessageStatusReport) async throws -> MessageStatusOutcome {
        try await write { _ in
            let logged = try await exec(
                "SELECT 1 AS found FROM notifications_log WHERE provider_id = ? LIMIT 1", [.text(report.messageSid)])
            if !logged.isEmpty {
                try await applyStatus(providerID: report.messageSid, status: report.status, errorCode: report.errorCode)
                return .logged
            }
            try await exec(
                "DELETE FROM pending_message_statuses WHERE received_at < ? AND message_sid <> ?",
                [.instant(report.retentionCutoff), .text(report.messageSid)])
            let merged = try await pendingRow(messageSid: report.messageSid).map { report.merged(into: $0) } ?? report
            try await exec(
                """
                INSERT INTO pending_message_statuses (message_sid, account_sid, status, error_code, received_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (message_sid) DO UPDATE SET account_sid = excluded.account_sid, status = excluded.status,
                    error_code = excluded.error_code, updated_at = excluded.updated_at
                """,
                [.text(merged.messageSid), .optional(merged.accountSid), .text(merged.status),
                 .optional(merged.errorCode), .instant(merged.receivedAt), .instant(report.receivedAt)])
            return .pending
        }
    }

    public func pendingMessageStatus(messageSid: String) async throws -> MessageStatusReport? {
        try await read { _ in try await pendingRow(messageSid: messageSid) }
    }

    private func pendingRow(messageSid: String) async throws -> MessageStatusReport? {
        try await exec(
            """
            SELECT message_sid, account_sid, status, error_code, received_at FROM pending_message_statuses
            WHERE message_sid = ?
            """,
            [.text(messageSid)]
        ).first.map { row in
            let r = SQLiteRowReader(row)
            return MessageStatusReport(
                messageSid: try r.string("message_sid"), accountSid: try r.optionalString("account_sid"),
                status: try r.string("status"), errorCode: try r.optionalString("error_code"),
                receivedAt: try r.instant("received_at"))
        }
    }
}
