public import FlowEngine
public import FlowRuntime
import HTTPTypes
public import Hummingbird

/// The agencies of the agency portal API, on the control plane's keys and tenancy (another
/// agency answers 404 like a missing one):
///
/// - `PUT /agencies/{agency}` `{display_name, sign_off?, support_phone?, twilio_account?}`: creates
///   the agency (admin keys only: 201) or replaces its fields (the agency's own key or an admin: 200).
///   `twilio_account` names a Twilio account configured on the daemon (`TwilioAgencyAccounts`:
///   `TWILIO_<REFERENCE>_ACCOUNT_SID`, …) — never a secret — and only admin keys set or change it:
///   an agency key must leave it as it is (omit it or send the value in effect), else 403.
/// - `GET /agencies/{agency}`: the agency, its branding and links to its overrides, trips and stats.
/// - `GET /agencies/{agency}/stats?from=&to=` (+`Stats`): `AgencyStats`.
///
/// The agency's settings stay in its overrides document (`/agencies/{agency}/overrides`); the
/// branding reaches flows in the trips API's events (`input.agency`, `TripRoutes`).
public struct AgencyRoutes<Store: FlowStore & AgencyPortalStore>: Sendable {
    /// The fields of a `PUT` body.
    public static var fields: Set<String> { ["display_name", "sign_off", "support_phone", "twilio_account"] }

    let store: Store
    let services: ProductServices

    public init(store: Store, services: ProductServices) {
        self.store = store
        self.services = services
    }

    public func add(to router: Router<FlowRequestContext>) {
        router.get("agencies/:agency") { _, context -> Response in
            let id = try Self.visibleAgency(context)
            guard let agency = try await store.agency(id: id) else { throw APIError.notFound("no such agency") }
            return APIResponse.json(Self.json(agency))
        }
        router.put("agencies/:agency") { request, context -> Response in
            try await put(request, agency: try Self.visibleAgency(context), identity: try context.requireIdentity())
        }
        router.get("agencies/:agency/stats") { request, context -> Response in
            try await stats(request, agency: try Self.visibleAgency(context))
        }
    }

    /// The `{agency}` of the path when the key may reach it; 404 otherwise.
    static func visibleAgency(_ context: FlowRequestContext) throws -> String {
        let identity = try context.requireIdentity()
        let agency = try context.parameters.require("agency")
        guard identity.canSee(agency: agency) else { throw APIError.notFound("no such agency") }
        return agency
    }

    func put(_ request: Request, agency id: String, identity: APIIdentity) async throws -> Response {
        let body = try await APIResponse.body(of: request, what: "the body of PUT /agencies/{agency}")
        guard let object = body.objectValue else {
            throw APIError.badRequest("the body must be a JSON object {display_name, sign_off?, support_phone?, twilio_account?}")
        }
        if let unknown = object.keys.sorted().first(where: { !Self.fields.contains($0) }) {
            throw APIError.unprocessable("'\(unknown)' is not a field of an agency (fields: \(Self.fields.sorted().joined(separator: ", ")))")
        }
        func text(_ key: String, required: Bool = false, maximum: Int = 200) throws -> String? {
            switch object[key] {
            case nil, .null?:
                if required { throw APIError.unprocessable("'\(key)' is required") }
                return nil
            case .string(let text)?:
                guard (1...maximum).contains(text.unicodeScalars.count), !text.allSatisfy(\.isWhitespace) else {
                    throw APIError.unprocessable("'\(key)' must be 1 to \(maximum) characters, not only spaces")
                }
                return text
            case let other?:
                throw APIError.unprocessable("'\(key)' must be text, got \(other.typeName)")
            }
        }
        let displayName = try text("display_name", required: true)!
        let signOff = try text("sign_off", maximum: 500)
        let supportPhone = try text("support_phone", maximum: 16)
        if let supportPhone, !TripRequest.isE164(supportPhone) {
            throw APIError.unprocessable("'support_phone' must be an E.164 number (+5491155550000)")
        }
        let twilioAccount = try text("twilio_account", maximum: 64)
        if let twilioAccount, !Self.isAccountReference(twilioAccount) {
            throw APIError.unprocessable(
                "'twilio_account' must name a configured account: A-Z, 0-9 and _ (TWILIO_<NAME>_ACCOUNT_SID)")
        }
        let existing = try await store.agency(id: id)
        if !identity.admin {
            guard existing != nil else { throw APIError.forbidden("only admin keys create agencies") }
            if object["twilio_account"] != nil, twilioAccount != existing?.twilioAccount {
                throw APIError.forbidden("only admin keys set an agency's Twilio account")
            }
        }
        let now = services.clock()
        let record = AgencyRecord(
            id: id, displayName: displayName, signOff: signOff, supportPhone: supportPhone,
            twilioAccount: object["twilio_account"] == nil && !identity.admin ? existing?.twilioAccount : twilioAccount,
            createdAt: existing?.createdAt ?? now, updatedAt: now)
        let created = try await store.saveAgency(record)
        guard let saved = try await store.agency(id: id) else { throw APIError.notFound("no such agency") }
        return APIResponse.json(
            Self.json(saved), status: created ? .created : .ok, headers: created ? [.location: "/agencies/\(id)"] : [:])
    }

    /// `A-Z`, `0-9` and `_`, as `TwilioAgencyAccounts.key(agency:)` spells an account's variables.
    static func isAccountReference(_ text: String) -> Bool {
        !text.isEmpty && text.unicodeScalars.allSatisfy { ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }

    /// The agency as `GET` answers it.
    static func json(_ agency: AgencyRecord) -> Value {
        [
            "id": .string(agency.id), "display_name": .string(agency.displayName),
            "sign_off": agency.signOff.map(Value.string) ?? .null,
            "support_phone": agency.supportPhone.map(Value.string) ?? .null,
            "twilio_account": agency.twilioAccount.map(Value.string) ?? .null,
            "branding": agency.branding,
            "created_at": .instant(agency.createdAt), "updated_at": .instant(agency.updatedAt),
            "links": [
                "overrides": .string("/agencies/\(agency.id)/overrides"), "trips": .string("/agencies/\(agency.id)/trips"),
                "stats": .string("/agencies/\(agency.id)/stats"),
            ],
        ]
    }
}
