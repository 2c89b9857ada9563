import FlowEngine

/// Which agency a request acts for, from its key (tenancy).
///
/// An agency key acts for its agency only: naming another one (`?agency=`, a body's `agency`) is
/// 403 `forbidden` — the request asks to act outside its tenancy, which is a refusal of the
/// request, not the absence of an object (objects of other agencies answer 404). An admin key
/// acts for the agency it names, else its home agency, else none (the flow's trigger decides).
public enum RequestAgency {
    /// The agency a write (a start, an event) uses.
    public static func forWrite(_ identity: APIIdentity, named: String?) throws -> String? {
        let named = named.flatMap { $0.isEmpty ? nil : $0 }
        if identity.admin { return named ?? identity.agencyID }
        if let named, named != identity.agencyID {
            throw APIError.forbidden("an agency's key acts for its own agency only; only admin keys name an agency")
        }
        return identity.agencyID
    }

    /// The agency filter of a list: an agency key's own agency; an admin's named one, else all (nil).
    public static func forList(_ identity: APIIdentity, named: String?) throws -> String? {
        let named = named.flatMap { $0.isEmpty ? nil : $0 }
        if identity.admin { return named }
        return try forWrite(identity, named: named)
    }
}
