public import FlowEngine
public import FlowRuntime

/// An agency as the portal API shows it (`GET /agencies/{agency}`): its display name, the
/// branding its messages use, and the Twilio account it sends through.
///
/// Stored in migration 2's `agencies` row (`name`, `phone`, `branding`) and migration 15's
/// `twilio_account`. Trips recorded for an agency the table does not know create a bare row named
/// after the id (`TripStore.upsertTrip`); the portal's `PUT` then fills it.
public struct AgencyRecord: Sendable, Hashable {
    public var id: String
    public var displayName: String
    /// How messages end ("El equipo de Acme Viajes").
    public var signOff: String?
    /// The number travellers are told to call, E.164.
    public var supportPhone: String?
    /// The name of a Twilio account configured on the daemon (`TWILIO_<REFERENCE>_ACCOUNT_SID` and
    /// its companions, `TwilioAgencyAccounts`), or nil for the default account. Never a secret.
    public var twilioAccount: String?
    public var createdAt: Instant
    public var updatedAt: Instant

    public init(
        id: String, displayName: String, signOff: String? = nil, supportPhone: String? = nil,
        twilioAccount: String? = nil, createdAt: Instant, updatedAt: Instant
    ) {
        self.id = id
        self.displayName = displayName
        self.signOff = signOff
        self.supportPhone = supportPhone
        self.twilioAccount = twilioAccount
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// The branding as flows read it (`input.agency` of the trips API's events) and templates use
    /// it: `id`, `display_name`, `sign_off`, `support_phone` (null when not set).
    public var branding: Value {
        [
            "id": .string(id), "display_name": .string(displayName),
            "sign_off": signOff.map(Value.string) ?? .null, "support_phone": supportPhone.map(Value.string) ?? .null,
        ]
    }

    /// The `sign_off` of the `branding` column (the other fields have columns of their own).
    var brandingColumn: Value? {
        signOff.map { ["sign_off": .string($0)] }
    }
}

/// A trip as the portal API shows it: the `trips` row with when it was created and cancelled.
public struct TripEntry: Sendable, Hashable {
    public var trip: TripRecord
    public var createdAt: Instant
    /// Set by `DELETE /trips/{id}`; a cancelled trip is kept.
    public var cancelledAt: Instant?

    public init(trip: TripRecord, createdAt: Instant, cancelledAt: Instant?) {
        self.trip = trip
        self.createdAt = createdAt
        self.cancelledAt = cancelledAt
    }
}

/// What the agency portal API reads and writes besides `TripStore`: agencies, trips by agency,
/// cancellations, the instances a trip started, and per-agency statistics. The SQLite and
/// PostgreSQL flow stores implement it (the in-memory store does not: the portal API is served on
/// a database).
public protocol AgencyPortalStore: Sendable {
    func agency(id: String) async throws -> AgencyRecord?
    /// Inserts the agency or replaces its name, branding and Twilio reference (`created_at` kept);
    /// true when the row was created (a bare row made by a trip counts as existing).
    func saveAgency(_ agency: AgencyRecord) async throws -> Bool
    /// The trip with its creation and cancellation instants.
    func tripEntry(id: String) async throws -> TripEntry?
    /// A page of the agency's trips (nil: every agency's) in `(created_at, id)` order after `after`.
    func tripEntries(agency: String?, after: InstanceCursor?, limit: Int) async throws -> [TripEntry]
    /// Marks the trip cancelled at `now` unless it already is; the cancellation instant in effect,
    /// nil when the trip does not exist.
    func cancelTrip(id: String, at now: Instant) async throws -> Instant?
    /// The ids of the instances whose idempotency key is one of `keys`, by key.
    func instanceIDs(idempotencyKeys keys: [String]) async throws -> [String: String]
    /// The agency's statistics over `[from, to)` (`AgencyStats`).
    func agencyStats(agency: String, from: Instant, to: Instant) async throws -> AgencyStats
}
