public import FlowEngine
public import FlowRuntime
import SQLiteNIO

/// `AgencyStats` on SQLite: one aggregate query per part, every value bound.
extension SQLiteFlowStore {
    public func agencyStats(agency: String, from: Instant, to: Instant) async throws -> AgencyStats {
        let range: [SQLiteData] = [.text(agency), .instant(from), .instant(to)]
        func marks(_ values: [String]) -> String { values.map { _ in "?" }.joined(separator: ", ") }
        func texts(_ values: [String]) -> [SQLiteData] { values.map { .text($0) } }
        func count(_ r: SQLiteRowReader, _ column: String) throws -> Int { Int(try r.int(column)) }
        return try await read { _ in
            var stats = AgencyStats()
            stats.messagesByDay = try await exec(
                """
                SELECT strftime('%Y-%m-%d', created_at / 1000, 'unixepoch') AS day, type, COUNT(*) AS n
                FROM notifications_log WHERE agency_id = ? AND created_at >= ? AND created_at < ?
                GROUP BY day, type ORDER BY day, type
                """, range
            ).map { row in
                let r = SQLiteRowReader(row)
                return AgencyStats.DayCount(day: try r.string("day"), type: try r.string("type"), count: try count(r, "n"))
            }
            let failures = AgencyStats.failureStatuses
            let delivered = AgencyStats.deliveredStatuses
            if let row = try await exec(
                """
                SELECT COUNT(provider_id) AS sent_count,
                    COUNT(CASE WHEN status IN (\(marks(delivered))) THEN 1 END) AS delivered_count,
                    COUNT(CASE WHEN status = 'read' THEN 1 END) AS read_count,
                    COUNT(CASE WHEN status IN (\(marks(failures))) THEN 1 END) AS failed_count,
                    COUNT(CASE WHEN status = 'suppressed' THEN 1 END) AS suppressed_count
                FROM notifications_log WHERE agency_id = ? AND created_at >= ? AND created_at < ?
                """, texts(delivered) + texts(failures) + range
            ).first {
                let r = SQLiteRowReader(row)
                stats.sent = try count(r, "sent_count")
                stats.delivered = try count(r, "delivered_count")
                stats.read = try count(r, "read_count")
                stats.failed = try count(r, "failed_count")
                stats.suppressed = try count(r, "suppressed_count")
            }
            for row in try await exec(
                """
                SELECT COALESCE(error, 'unknown') AS error, COUNT(*) AS n FROM notifications_log
                WHERE agency_id = ? AND created_at >= ? AND created_at < ? AND status IN (\(marks(failures)))
                GROUP BY COALESCE(error, 'unknown')
                """, range + texts(failures)
            ) {
                let r = SQLiteRowReader(row)
                stats.failures[try r.string("error")] = try count(r, "n")
            }
            if let row = try await exec(
                """
                SELECT COUNT(*) AS calls,
                    COUNT(CASE WHEN json_extract(e.details, '$.attempt') = 1 THEN 1 END) AS lookups,
                    COUNT(DISTINCT e.instance_id || '/' || strftime('%Y-%m-%d', e.at / 1000, 'unixepoch')) AS trip_days
                FROM instance_events e JOIN flow_instances i ON i.id = e.instance_id
                WHERE i.agency_id = ? AND e.at >= ? AND e.at < ? AND e.kind = 'step_called'
                    AND json_extract(e.details, '$.step') = ?
                """, range + [.text(AgencyStats.aeroapiStep)]
            ).first {
                let r = SQLiteRowReader(row)
                stats.aeroapiCalls = try count(r, "calls")
                stats.aeroapiLookups = try count(r, "lookups")
                stats.aeroapiTripDays = try count(r, "trip_days")
            }
            stats.aeroapiBudgetExceeded = try await exec(
                """
                SELECT COUNT(*) AS n FROM instance_events e JOIN flow_instances i ON i.id = e.instance_id
                WHERE i.agency_id = ? AND e.at >= ? AND e.at < ? AND e.kind = 'step_called'
                    AND json_extract(e.details, '$.step') = ? AND json_extract(e.details, '$.attempt') = 1
                    AND json_extract(e.details, '$.input.code') = ?
                """, range + [.text(AgencyStats.alertStep), .text(AgencyStats.budgetExceededCode)]
            ).first.map { try count(SQLiteRowReader($0), "n") } ?? 0
            for row in try await exec(
                """
                SELECT status, COUNT(*) AS n FROM flow_instances
                WHERE agency_id = ? AND created_at >= ? AND created_at < ? AND flow = ? GROUP BY status
                """, range + [.text(AgencyStats.suggestionFlow)]
            ) {
                let r = SQLiteRowReader(row)
                stats.suggestions[try r.string("status")] = try count(r, "n")
            }
            for row in try await exec(
                """
                SELECT status, COUNT(*) AS n FROM approvals
                WHERE agency_id = ? AND requested_at >= ? AND requested_at < ? GROUP BY status
                """, range
            ) {
                let r = SQLiteRowReader(row)
                stats.approvals[try r.string("status")] = try count(r, "n")
            }
            return stats
        }
    }
}
