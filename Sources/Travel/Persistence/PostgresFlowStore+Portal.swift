public import FlowEngine
public import FlowRuntime
import PostgresNIO

/// Agencies, trip pages and cancellations of the agency portal API on PostgreSQL
/// (`AgencyPortalStore`; the statistics are in `+AgencyStats`).
extension PostgresFlowStore: AgencyPortalStore {
    public func agency(id: String) async throws -> AgencyRecord? {
        try await rows(
            """
            SELECT id, name, phone, branding::text AS branding, twilio_account, created_at, updated_at
            FROM agencies WHERE id = \(id)
            """
        ).first.map { row in
            let r = row.makeRandomAccess()
            let branding = try r["branding"].decode(String?.self).map { try StoreCoding.value($0, column: "branding") }
            return AgencyRecord(
                id: try r["id"].decode(String.self), displayName: try r["name"].decode(String.self),
                signOff: branding?["sign_off"]?.stringValue, supportPhone: try r["phone"].decode(String?.self),
                twilioAccount: try r["twilio_account"].decode(String?.self),
                createdAt: try r["created_at"].decode(PostgresInstant.self).instant,
                updatedAt: try r["updated_at"].decode(PostgresInstant.self).instant)
        }
    }

    public func saveAgency(_ agency: AgencyRecord) async throws -> Bool {
        let branding = try StoreCoding.json(agency.brandingColumn)
        // `xmax = 0` only on a row this statement inserted.
        let rows = try await rows(
            """
            INSERT INTO agencies (id, name, phone, branding, twilio_account, created_at, updated_at)
            VALUES (\(agency.id), \(agency.displayName), \(agency.supportPhone), \(branding)::jsonb,
                \(agency.twilioAccount), \(agency.createdAt.postgres), \(agency.updatedAt.postgres))
            ON CONFLICT (id) DO UPDATE SET name = excluded.name, phone = excluded.phone,
                branding = excluded.branding, twilio_account = excluded.twilio_account,
                updated_at = excluded.updated_at
            RETURNING (xmax = 0) AS inserted
            """
        )
        return try rows.first?.decode(Bool.self) ?? false
    }

    public func tripEntry(id: String) async throws -> TripEntry? {
        try await rows(
            "SELECT \(unescaped: Self.tripColumns), created_at, cancelled_at FROM trips WHERE id = \(id)"
        ).first.map(Self.tripEntry)
    }

    public func tripEntries(agency: String?, after: InstanceCursor?, limit: Int) async throws -> [TripEntry] {
        try await rows(
            """
            SELECT \(unescaped: Self.tripColumns), created_at, cancelled_at FROM trips
            WHERE (\(agency)::text IS NULL OR agency_id = \(agency))
              AND (\(after?.createdAt.postgres)::timestamptz IS NULL
                   OR (created_at, id) > (\(after?.createdAt.postgres), \(after?.id ?? "")))
            ORDER BY created_at, id LIMIT \(max(0, limit))
            """
        ).map(Self.tripEntry)
    }

    public func cancelTrip(id: String, at now: Instant) async throws -> Instant? {
        try await transaction { session in
            try await session.query(
                """
                UPDATE trips SET cancelled_at = \(now.postgres), updated_at = \(now.postgres)
                WHERE id = \(id) AND cancelled_at IS NULL
                """)
            return try await session.query("SELECT cancelled_at FROM trips WHERE id = \(id)").first
                .map { try $0.decode(PostgresInstant.self).instant }
        }
    }

    public func instanceIDs(idempotencyKeys keys: [String]) async throws -> [String: String] {
        guard !keys.isEmpty else { return [:] }
        var found: [String: String] = [:]
        for row in try await rows(
            "SELECT idempotency_key, id FROM flow_instances WHERE idempotency_key = ANY(\(keys))"
        ) {
            let (key, id) = try row.decode((String, String).self)
            found[key] = id
        }
        return found
    }

    static func tripEntry(_ row: PostgresRow) throws -> TripEntry {
        let r = row.makeRandomAccess()
        return TripEntry(
            trip: try tripRecord(row), createdAt: try r["created_at"].decode(PostgresInstant.self).instant,
            cancelledAt: try r["cancelled_at"].decode(PostgresInstant?.self)?.instant)
    }
}
