public import Hummingbird

/// `GET /me`: who the key is — its name (what decisions and cancels are recorded under), its
/// agency (an admin key's home agency, if any) and whether it is an admin key. The console reads
/// it after sign-in to know whose data it shows; never the key itself.
public enum IdentityRoutes {
    public static func add<Context: AuthenticatedRequestContext>(to router: Router<Context>) {
        router.get("me") { _, context -> Response in
            let identity = try context.requireIdentity()
            return APIResponse.json([
                "name": .string(identity.keyName),
                "agency": identity.agencyID.map { .string($0) } ?? .null,
                "admin": .bool(identity.admin),
            ])
        }
    }
}
