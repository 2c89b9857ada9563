public import FlowEngine

/// Base URLs of the providers, without a trailing slash. Production defaults come from the
/// contracts; tests point them at the fake servers.
public struct ProviderEndpoints: Sendable, Hashable {
    /// `https://api.twilio.com` (paths start with `/2010-04-01`).
    public var twilio: String
    /// `https://aeroapi.flightaware.com/aeroapi` (paths start with `/flights`).
    public var aeroapi: String
    /// `https://api.openai.com/v1` (paths start with `/chat/completions`).
    public var openai: String
    /// `https://api.open-meteo.com` (paths start with `/v1/forecast`; keyless).
    public var openmeteo: String
    /// The daemon's own public base URL (`FLOW_PUBLIC_URL`), where providers call back; nil when
    /// not configured (then sends carry no `StatusCallback`).
    public var publicBaseURL: String?
    /// The hosts `http.request` may call (`FLOW_HTTP_ALLOW_HOSTS`); none unless configured.
    public var httpAllowedHosts: HostAllowList

    public init(
        twilio: String, aeroapi: String, openai: String, openmeteo: String = "https://api.open-meteo.com",
        publicBaseURL: String? = nil, httpAllowedHosts: HostAllowList = .none
    ) {
        self.twilio = Self.trimmed(twilio)
        self.aeroapi = Self.trimmed(aeroapi)
        self.openai = Self.trimmed(openai)
        self.openmeteo = Self.trimmed(openmeteo)
        self.publicBaseURL = publicBaseURL.map(Self.trimmed)
        self.httpAllowedHosts = httpAllowedHosts
    }

    /// `publicBaseURL` + `/webhooks/twilio/status`: the `StatusCallback` of every send, when configured.
    public var twilioStatusCallback: String? {
        publicBaseURL.map { $0 + TwilioWebhookPaths.status }
    }

    public static let production = ProviderEndpoints(
        twilio: "https://api.twilio.com",
        aeroapi: "https://aeroapi.flightaware.com/aeroapi",
        openai: "https://api.openai.com/v1",
        openmeteo: "https://api.open-meteo.com"
    )

    /// All four on one server (the fake provider server): `base` + `/2010-04-01…`,
    /// `base/aeroapi/flights…`, `base/v1/chat/completions`, `base/openmeteo/v1/forecast`.
    public static func local(_ base: String) -> ProviderEndpoints {
        let b = trimmed(base)
        return ProviderEndpoints(twilio: b, aeroapi: b + "/aeroapi", openai: b + "/v1", openmeteo: b + "/openmeteo")
    }

    private static func trimmed(_ url: String) -> String {
        var u = url
        while u.hasSuffix("/") { u.removeLast() }
        return u
    }
}
