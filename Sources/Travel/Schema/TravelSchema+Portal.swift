public import FlowRuntime

/// Migration 15: what the agency portal API (`AgencyRoutes`, `TripRoutes`) records besides the
/// existing rows — a trip's cancellation (`DELETE /trips/{id}`) and an agency's Twilio account
/// reference (the name of an account configured on the daemon, `TwilioAgencyAccounts`; never a
/// secret). The `agencies` row itself is migration 2's: `name` is the display name, `phone` the
/// support phone, `branding` the rest of the branding (`sign_off`).
extension TravelSchema {
    static func portal(_ d: SchemaDialect) -> [String] {
        [
            "ALTER TABLE trips ADD COLUMN cancelled_at \(d.instant)",
            "ALTER TABLE agencies ADD COLUMN twilio_account TEXT",
            "CREATE INDEX trips_agency_created ON trips (agency_id, created_at, id)",
        ]
    }
}
