public import FlowEngine
public import FlowRuntime
import SQLiteNIO

/// Agencies, trip pages and cancellations of the agency portal API on SQLite (`AgencyPortalStore`;
/// the statistics are in `+AgencyStats`).
extension SQLiteFlowStore: AgencyPortalStore {
    public func agency(id: String) async throws -> AgencyRecord? {
        try await read { _ in
            try await exec(
                """
                SELECT id, name, phone, branding, twilio_account, created_at, updated_at FROM agencies WHERE id = ?
                """, [.text(id)]
            ).first.map { row in
                let r = SQLiteRowReader(row)
                return AgencyRecord(
                    id: try r.string("id"), displayName: try r.string("name"),
                    signOff: try r.optionalValue("branding")?["sign_off"]?.stringValue,
                    supportPhone: try r.optionalString("phone"), twilioAccount: try r.optionalString("twilio_account"),
                    createdAt: try r.instant("created_at"), updatedAt: try r.instant("updated_at"))
            }
        }
    }

    public func saveAgency(_ agency: AgencyRecord) async throws -> Bool {
        try await write { _ in
            let existed = !(try await exec("SELECT 1 AS found FROM agencies WHERE id = ?", [.text(agency.id)])).isEmpty
            try await exec(
                """
                INSERT INTO agencies (id, name, phone, branding, twilio_account, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET name = excluded.name, phone = excluded.phone,
                    branding = excluded.branding, twilio_account = excluded.twilio_account,
                    updated_at = excluded.updated_at
                """,
                [.text(agency.id), .text(agency.displayName), .optional(agency.supportPhone),
                 .optional(try StoreCoding.json(agency.brandingColumn)), .optional(agency.twilioAccount),
                 .instant(agency.createdAt), .instant(agency.updatedAt)]
            )
            return !existed
        }
    }

    public func tripEntry(id: String) async throws -> TripEntry? {
        try await read { _ in
            try await exec("SELECT \(Self.tripColumns), created_at, cancelled_at FROM trips WHERE id = ?", [.text(id)])
                .first.map(Self.tripEntry)
        }
    }

    public func tripEntries(agency: String?, after: InstanceCursor?, limit: Int) async throws -> [TripEntry] {
        var conditions: [String] = []
        var binds: [SQLiteData] = []
        if let agency {
            conditions.append("agency_id = ?")
            binds.append(.text(agency))
        }
        if let after {
            conditions.append("(created_at > ? OR (created_at = ? AND id > ?))")
            binds += [.instant(after.createdAt), .instant(after.createdAt), .text(after.id)]
        }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        return try await read { _ in
            try await exec(
                "SELECT \(Self.tripColumns), created_at, cancelled_at FROM trips \(filter) ORDER BY created_at, id LIMIT ?",
                binds + [.int(Int64(max(0, limit)))]
            ).map(Self.tripEntry)
        }
    }

    public func cancelTrip(id: String, at now: Instant) async throws -> Instant? {
        try await write { _ in
            try await exec(
                "UPDATE trips SET cancelled_at = ?, updated_at = ? WHERE id = ? AND cancelled_at IS NULL",
                [.instant(now), .instant(now), .text(id)])
            return try await exec("SELECT cancelled_at FROM trips WHERE id = ?", [.text(id)]).first
                .map { try SQLiteRowReader($0).instant("cancelled_at") }
        }
    }

    public func instanceIDs(idempotencyKeys keys: [String]) async throws -> [String: String] {
        guard !keys.isEmpty else { return [:] }
        let marks = keys.map { _ in "?" }.joined(separator: ", ")
        return try await read { _ in
            var found: [String: String] = [:]
            for row in try await exec(
                "SELECT id, idempotency_key FROM flow_instances WHERE idempotency_key IN (\(marks))", keys.map { .text($0) }
            ) {
                let r = SQLiteRowReader(row)
                found[try r.string("idempotency_key")] = try r.string("id")
            }
            return found
        }
    }

    static func tripEntry(_ row: SQLiteRow) throws -> TripEntry {
        let r = SQLiteRowReader(row)
        return TripEntry(
            trip: try tripRecord(row), createdAt: try r.instant("created_at"),
            cancelledAt: try r.optionalInstant("cancelled_at"))
    }
}
