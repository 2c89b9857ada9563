import Foundation

/// A secret string that never prints itself.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The secret itself; read it only to put it on the wire.
    public let exposed: String

    public init(_ value: String) { self.exposed = value }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
}

/// Twilio credentials: the account (in the URL path) and the Basic-auth pair, which is either
/// the account SID and auth token or an API key SID (`SK…`) and its secret.
public struct TwilioCredentials: Sendable, Hashable, CustomStringConvertible {
    public var accountSid: String
    /// Basic-auth user: the account SID or an API key SID.
    public var username: String
    public var password: Secret
    /// The auth token, when known: it keys webhook signatures (API key secrets do not).
    public var authToken: Secret?
    public var messagingServiceSid: String?

    public init(accountSid: String, username: String, password: Secret, authToken: Secret?, messagingServiceSid: String?) {
        self.accountSid = accountSid
        self.username = username
        self.password = password
        self.authToken = authToken
        self.messagingServiceSid = messagingServiceSid
    }

    /// Account SID + auth token.
    public static func authToken(accountSid: String, token: String, messagingServiceSid: String? = nil) -> Self {
        Self(accountSid: accountSid, username: accountSid, password: Secret(token), authToken: Secret(token),
             messagingServiceSid: messagingServiceSid)
    }

    public var description: String {
        "TwilioCredentials(account: \(accountSid), user: \(username), password: <redacted>, "
            + "messagingService: \(messagingServiceSid ?? "none"))"
    }
}

/// What steps authenticate with. Built once at start-up from the environment; an instance of an
/// agency with its own Twilio account gets `forAgency(_:)`, where that account replaces `twilio`.
public struct ProviderCredentials: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The default Twilio account.
    public var twilio: TwilioCredentials?
    public var aeroapiKey: Secret?
    public var openaiKey: Secret?
    /// Agencies' own Twilio accounts (`TWILIO_<AGENCY>_…`).
    public var agencyTwilio: TwilioAgencyAccounts
    /// `http.request`'s credentials by variable suffix (`FLOW_HTTP_CREDENTIAL_<NAME>`, see `HTTPCredential`).
    public var http: [String: HTTPCredential]
    /// The credential every name not in `http` gets: a placeholder in dry-runs, where fixtures
    /// answer and nothing leaves the machine; nil everywhere else (an unknown name fails).
    public var httpPlaceholder: HTTPCredential?

    public init(
        twilio: TwilioCredentials? = nil, aeroapiKey: Secret? = nil, openaiKey: Secret? = nil,
        agencyTwilio: TwilioAgencyAccounts = TwilioAgencyAccounts(), http: [String: HTTPCredential] = [:]
    ) {
        self.twilio = twilio
        self.aeroapiKey = aeroapiKey
        self.openaiKey = openaiKey
        self.agencyTwilio = agencyTwilio
        self.http = http
    }

    /// The `http.request` credential a flow names (`backend` → `FLOW_HTTP_CREDENTIAL_BACKEND`).
    public func httpCredential(named name: String) -> HTTPCredential? {
        http[String(HTTPCredential.variable(forName: name).dropFirst(HTTPCredential.variablePrefix.count))]
            ?? httpPlaceholder
    }

    /// The same credentials with an agency's own Twilio account.
    public func withTwilio(_ twilio: TwilioCredentials) -> ProviderCredentials {
        var copy = self
        copy.twilio = twilio
        return copy
    }

    /// The credentials an instance of `agency` calls providers with: its own Twilio account when
    /// it has one, else the default account.
    public func forAgency(_ agency: String?) -> ProviderCredentials {
        agencyTwilio.account(forAgency: agency).map(withTwilio) ?? self
    }

    public var description: String {
        "ProviderCredentials(twilio: \(twilio.map(\.description) ?? "none"), "
            + "aeroapi: \(aeroapiKey == nil ? "none" : "<redacted>"), openai: \(openaiKey == nil ? "none" : "<redacted>")"
            + (agencyTwilio.isEmpty ? "" : ", agencies: \(agencyTwilio)")
            + (http.isEmpty ? "" : ", http: \(http.keys.sorted().joined(separator: ","))") + ")"
    }

    public var debugDescription: String { description }
}

/// A start-up problem with one credential variable. Never contains the value.
public struct CredentialProblem: Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable { case error, warning }

    public var variable: String
    public var severity: Severity
    public var message: String

    public var description: String { "\(severity.rawValue): \(variable): \(message)" }
}

extension ProviderCredentials {
    /// Reads `TWILIO_ACCOUNT_SID`, `TWILIO_AUTH_TOKEN` (or `TWILIO_API_KEY_SID` +
    /// `TWILIO_API_KEY_SECRET`), `TWILIO_MESSAGING_SERVICE_SID`, `AEROAPI_KEY`, `OPENAI_API_KEY`
    /// and `FLOW_HTTP_CREDENTIAL_<NAME>`, checking shapes once. A provider with a problem is left nil so its steps fail as
    /// `credentials.missing` rather than sending malformed requests.
    public static func fromEnvironment(_ env: [String: String]) -> (ProviderCredentials, [CredentialProblem]) {
        var problems: [CredentialProblem] = []
        func value(_ name: String) -> String? {
            guard let v = env[name]?.trimmingCharacters(in: .whitespaces), !v.isEmpty else { return nil }
            return v
        }
        func problem(_ variable: String, _ message: String, _ severity: CredentialProblem.Severity = .error) {
            problems.append(CredentialProblem(variable: variable, severity: severity, message: message))
        }

        var twilio: TwilioCredentials?
        let account = value("TWILIO_ACCOUNT_SID")
        let token = value("TWILIO_AUTH_TOKEN")
        let keySid = value("TWILIO_API_KEY_SID")
        let keySecret = value("TWILIO_API_KEY_SECRET")
        let service = value("TWILIO_MESSAGING_SERVICE_SID")
        if let account {
            var ok = true
            if !TwilioIdentifiers.isSid(account, prefix: "AC") {
                problem("TWILIO_ACCOUNT_SID", "must be AC followed by 32 hex digits"); ok = false
            }
            if let service, !TwilioIdentifiers.isSid(service, prefix: "MG") {
                problem("TWILIO_MESSAGING_SERVICE_SID", "must be MG followed by 32 hex digits"); ok = false
            }
            if keySid != nil || keySecret != nil {
                if let keySid, !TwilioIdentifiers.isSid(keySid, prefix: "SK") {
                    problem("TWILIO_API_KEY_SID", "must be SK followed by 32 hex digits"); ok = false
                }
                if keySid == nil { problem("TWILIO_API_KEY_SID", "is required with TWILIO_API_KEY_SECRET"); ok = false }
                if keySecret == nil { problem("TWILIO_API_KEY_SECRET", "is required with TWILIO_API_KEY_SID"); ok = false }
                if token == nil {
                    problem("TWILIO_AUTH_TOKEN", "not set: webhook signatures cannot be verified", .warning)
                }
                if ok, let keySid, let keySecret {
                    twilio = TwilioCredentials(
                        accountSid: account, username: keySid, password: Secret(keySecret),
                        authToken: token.map(Secret.init), messagingServiceSid: service)
                }
            } else if let token {
                if ok { twilio = .authToken(accountSid: account, token: token, messagingServiceSid: service) }
            } else {
                problem("TWILIO_AUTH_TOKEN", "is required (or TWILIO_API_KEY_SID and TWILIO_API_KEY_SECRET)")
            }
            if service == nil {
                problem("TWILIO_MESSAGING_SERVICE_SID", "not set: every send must name `from`", .warning)
            }
        } else {
            problem("TWILIO_ACCOUNT_SID", "not set: twilio steps will fail")
        }

        let aeroapi = value("AEROAPI_KEY")
        if aeroapi == nil { problem("AEROAPI_KEY", "not set: aeroapi.flight will fail") }
        let openai = value("OPENAI_API_KEY")
        if openai == nil { problem("OPENAI_API_KEY", "not set: openai.chat will fail") }

        let (http, httpProblems) = HTTPCredential.fromEnvironment(env)
        problems += httpProblems
        let credentials = ProviderCredentials(
            twilio: twilio, aeroapiKey: aeroapi.map(Secret.init), openaiKey: openai.map(Secret.init), http: http)
        return (credentials, problems)
    }
}
