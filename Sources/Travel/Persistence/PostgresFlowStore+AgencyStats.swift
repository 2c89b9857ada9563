public import FlowEngine
public import FlowRuntime
import PostgresNIO

/// `AgencyStats` on PostgreSQL: the same aggregates as on SQLite, every value bound.
extension PostgresFlowStore {
    public func agencyStats(agency: String, from: Instant, to: Instant) async throws -> AgencyStats {
        let (start, end) = (from.postgres, to.postgres)
        let failures = AgencyStats.failureStatuses
        let delivered = AgencyStats.deliveredStatuses
        var stats = AgencyStats()
        stats.messagesByDay = try await rows(
            """
            SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, type, COUNT(*)::bigint AS n
            FROM notifications_log WHERE agency_id = \(agency) AND created_at >= \(start) AND created_at < \(end)
            GROUP BY 1, 2 ORDER BY 1, 2
            """
        ).map { row in
            let (day, type, count) = try row.decode((String, String, Int64).self)
            return AgencyStats.DayCount(day: day, type: type, count: Int(count))
        }
        if let row = try await rows(
            """
            SELECT COUNT(provider_id)::bigint, COUNT(*) FILTER (WHERE status = ANY(\(delivered)))::bigint,
                COUNT(*) FILTER (WHERE status = 'read')::bigint, COUNT(*) FILTER (WHERE status = ANY(\(failures)))::bigint,
                COUNT(*) FILTER (WHERE status = 'suppressed')::bigint
            FROM notifications_log WHERE agency_id = \(agency) AND created_at >= \(start) AND created_at < \(end)
            """
        ).first {
            let counts = try row.decode((Int64, Int64, Int64, Int64, Int64).self)
            (stats.sent, stats.delivered, stats.read, stats.failed, stats.suppressed) =
                (Int(counts.0), Int(counts.1), Int(counts.2), Int(counts.3), Int(counts.4))
        }
        for row in try await rows(
            """
            SELECT COALESCE(error, 'unknown'), COUNT(*)::bigint FROM notifications_log
            WHERE agency_id = \(agency) AND created_at >= \(start) AND created_at < \(end)
              AND status = ANY(\(failures))
            GROUP BY 1
            """
        ) {
            let (error, count) = try row.decode((String, Int64).self)
            stats.failures[error] = Int(count)
        }
        if let row = try await rows(
            """
            SELECT COUNT(*)::bigint, COUNT(*) FILTER (WHERE (e.details->>'attempt')::numeric = 1)::bigint,
                COUNT(DISTINCT (e.instance_id, (e.at AT TIME ZONE 'UTC')::date))::bigint
            FROM instance_events e JOIN flow_instances i ON i.id = e.instance_id
            WHERE i.agency_id = \(agency) AND e.at >= \(start) AND e.at < \(end) AND e.kind = 'step_called'
              AND e.details->>'step' = \(AgencyStats.aeroapiStep)
            """
        ).first {
            let counts = try row.decode((Int64, Int64, Int64).self)
            (stats.aeroapiCalls, stats.aeroapiLookups, stats.aeroapiTripDays) =
                (Int(counts.0), Int(counts.1), Int(counts.2))
        }
        stats.aeroapiBudgetExceeded = Int(try await rows(
            """
            SELECT COUNT(*)::bigint FROM instance_events e JOIN flow_instances i ON i.id = e.instance_id
            WHERE i.agency_id = \(agency) AND e.at >= \(start) AND e.at < \(end) AND e.kind = 'step_called'
              AND e.details->>'step' = \(AgencyStats.alertStep) AND (e.details->>'attempt')::numeric = 1
              AND e.details->'input'->>'code' = \(AgencyStats.budgetExceededCode)
            """
        ).first?.decode(Int64.self) ?? 0)
        for row in try await rows(
            """
            SELECT status, COUNT(*)::bigint FROM flow_instances
            WHERE agency_id = \(agency) AND created_at >= \(start) AND created_at < \(end)
              AND flow = \(AgencyStats.suggestionFlow)
            GROUP BY status
            """
        ) {
            let (status, count) = try row.decode((String, Int64).self)
            stats.suggestions[status] = Int(count)
        }
        for row in try await rows(
            """
            SELECT status, COUNT(*)::bigint FROM approvals
            WHERE agency_id = \(agency) AND requested_at >= \(start) AND requested_at < \(end)
            GROUP BY status
            """
        ) {
            let (status, count) = try row.decode((String, Int64).self)
            stats.approvals[status] = Int(count)
        }
        return stats
    }
}
