public import Hummingbird
public import NIOCore

/// Who made an API request: the key that authenticated it.
public struct APIIdentity: Sendable, Hashable {
    public var keyID: String
    /// The key's name: what the timeline records as the author of a cancel or a decision.
    public var keyName: String
    /// The key's agency (an admin key's home agency, if it has one).
    public var agencyID: String?
    public var admin: Bool

    public init(keyID: String, keyName: String, agencyID: String?, admin: Bool) {
        self.keyID = keyID
        self.keyName = keyName
        self.agencyID = agencyID
        self.admin = admin
    }

    public init(_ key: APIKeyRecord) {
        self.init(keyID: key.id, keyName: key.name, agencyID: key.agencyID, admin: key.admin)
    }

    /// Whether this identity may see an object of `agency`: admins see all, others only their agency's.
    public func canSee(agency: String?) -> Bool {
        admin || (agency != nil && agency == agencyID)
    }
}

/// A request context that carries the authenticated identity (set by `APIKeyAuthentication`).
public protocol AuthenticatedRequestContext: RequestContext {
    /// nil on the unauthenticated routes (`/health`, `/openapi.json`, the signed webhooks).
    var identity: APIIdentity? { get set }
}

extension AuthenticatedRequestContext {
    /// The identity, or a 401 when the route was reached without one (a route mounted without the middleware).
    public func requireIdentity() throws -> APIIdentity {
        guard let identity else { throw APIError.unauthenticated("this route needs an API key") }
        return identity
    }
}

/// The daemon's request context: Hummingbird's core storage, the authenticated identity and the
/// client's address (what an unauthenticated caller is rate-limited by, `RequestRateLimiting`).
public struct FlowRequestContext: AuthenticatedRequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public var identity: APIIdentity?
    public let remoteAddress: SocketAddress?

    public init(source: Source) {
        self.coreContext = .init(source: source)
        self.identity = nil
        self.remoteAddress = source.channel.remoteAddress
    }
}
