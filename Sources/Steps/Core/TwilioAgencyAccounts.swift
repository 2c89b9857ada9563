import Foundation

/// Twilio accounts of agencies that have their own, configured in the environment next to the
/// default account:
///
/// | variable | meaning |
/// |---|---|
/// | `TWILIO_<AGENCY>_ACCOUNT_SID` | the agency's account (`AC…`); its presence declares the account |
/// | `TWILIO_<AGENCY>_AUTH_TOKEN` | its auth token (Basic auth, and the key of its webhook signatures) |
/// | `TWILIO_<AGENCY>_API_KEY_SID` / `_API_KEY_SECRET` | an API key pair instead of the token for sending |
/// | `TWILIO_<AGENCY>_MESSAGING_SERVICE_SID` | its Messaging Service (`MG…`); without it sends must name `from` |
///
/// `<AGENCY>` is the agency id upper-cased with every character other than A–Z and 0–9 turned
/// into `_` (`acme-travel` → `ACME_TRAVEL`). An instance of an agency with an account sends
/// through it (URL path, Basic auth, Messaging Service); every other instance uses the default
/// account. Nothing is inherited from the default account: its Messaging Service belongs to it.
public struct TwilioAgencyAccounts: Sendable, Hashable, CustomStringConvertible {
    /// Accounts by agency key (`key(agency:)`).
    public private(set) var byKey: [String: TwilioCredentials]

    public init(_ byKey: [String: TwilioCredentials] = [:]) {
        self.byKey = byKey
    }

    /// `acme-travel` → `ACME_TRAVEL`: the `<AGENCY>` part of the variable names.
    public static func key(agency: String) -> String {
        String(agency.uppercased().unicodeScalars.map { scalar -> Character in
            ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) ? Character(scalar) : "_"
        })
    }

    /// The agency's own account, or nil when it uses the default one.
    public func account(forAgency agency: String?) -> TwilioCredentials? {
        agency.flatMap { byKey[Self.key(agency: $0)] }
    }

    /// Auth tokens by account SID, for verifying webhook signatures.
    public var authTokensByAccountSid: [String: Secret] {
        var tokens: [String: Secret] = [:]
        for credentials in byKey.values {
            if let token = credentials.authToken { tokens[credentials.accountSid] = token }
        }
        return tokens
    }

    public var isEmpty: Bool { byKey.isEmpty }

    public var description: String {
        "TwilioAgencyAccounts(" + byKey.keys.sorted().map { "\($0): \(byKey[$0]!.accountSid)" }.joined(separator: ", ") + ")"
    }

    /// The variable suffixes, longest first so that a suffix never hides a longer one.
    static let suffixes = ["_MESSAGING_SERVICE_SID", "_API_KEY_SECRET", "_ACCOUNT_SID", "_API_KEY_SID", "_AUTH_TOKEN"]

    /// Reads every `TWILIO_<AGENCY>_…` variable. Problems name the variable and never its value;
    /// an agency with an `.error` problem is left out (callers should refuse to start: its
    /// messages would otherwise leave from the default account).
    public static func fromEnvironment(_ env: [String: String]) -> (TwilioAgencyAccounts, [CredentialProblem]) {
        var variables: [String: [String: String]] = [:]  // agency key → suffix → value
        for (name, raw) in env where name.hasPrefix("TWILIO_") {
            let value = raw.trimmingCharacters(in: .whitespaces)
            guard !value.isEmpty, let suffix = suffixes.first(where: { name.hasSuffix($0) }) else { continue }
            let middle = name.dropFirst("TWILIO_".count).dropLast(suffix.count)
            guard name.count > "TWILIO_".count + suffix.count, !middle.isEmpty else { continue }
            variables[String(middle), default: [:]][suffix] = value
        }
        var accounts: [String: TwilioCredentials] = [:]
        var problems: [CredentialProblem] = []
        for key in variables.keys.sorted() {
            let (credentials, found) = account(key: key, variables[key]!)
            problems += found
            if let credentials, !found.contains(where: { $0.severity == .error }) { accounts[key] = credentials }
        }
        return (TwilioAgencyAccounts(accounts), problems)
    }

    private static func account(key: String, _ values: [String: String]) -> (TwilioCredentials?, [CredentialProblem]) {
        var problems: [CredentialProblem] = []
        func name(_ suffix: String) -> String { "TWILIO_\(key)\(suffix)" }
        func problem(_ suffix: String, _ message: String, _ severity: CredentialProblem.Severity = .error) {
            problems.append(CredentialProblem(variable: name(suffix), severity: severity, message: message))
        }
        let service = values["_MESSAGING_SERVICE_SID"]
        let token = values["_AUTH_TOKEN"]
        let keySid = values["_API_KEY_SID"]
        let keySecret = values["_API_KEY_SECRET"]
        guard let account = values["_ACCOUNT_SID"] else {
            let set = suffixes.filter { values[$0] != nil }.map(name).joined(separator: ", ")
            problem("_ACCOUNT_SID", "is required with \(set) (agency key \(key))")
            return (nil, problems)
        }
        if !TwilioIdentifiers.isSid(account, prefix: "AC") { problem("_ACCOUNT_SID", "must be AC followed by 32 hex digits") }
        if let service, !TwilioIdentifiers.isSid(service, prefix: "MG") {
            problem("_MESSAGING_SERVICE_SID", "must be MG followed by 32 hex digits")
        }
        var credentials: TwilioCredentials?
        if keySid != nil || keySecret != nil {
            if let keySid, !TwilioIdentifiers.isSid(keySid, prefix: "SK") {
                problem("_API_KEY_SID", "must be SK followed by 32 hex digits")
            }
            if keySid == nil { problem("_API_KEY_SID", "is required with \(name("_API_KEY_SECRET"))") }
            if keySecret == nil { problem("_API_KEY_SECRET", "is required with \(name("_API_KEY_SID"))") }
            if token == nil {
                problem("_AUTH_TOKEN", "not set: webhooks from this account cannot be verified (403)", .warning)
            }
            if let keySid, let keySecret {
                credentials = TwilioCredentials(
                    accountSid: account, username: keySid, password: Secret(keySecret),
                    authToken: token.map(Secret.init), messagingServiceSid: service)
            }
        } else if let token {
            credentials = .authToken(accountSid: account, token: token, messagingServiceSid: service)
        } else {
            problem("_AUTH_TOKEN", "is required with \(name("_ACCOUNT_SID")) (or \(name("_API_KEY_SID")) and "
                + "\(name("_API_KEY_SECRET")))")
        }
        if service == nil {
            problem("_MESSAGING_SERVICE_SID", "not set: this agency's sends must name `from`", .warning)
        }
        return (credentials, problems)
    }
}

/// Agency Twilio accounts that cannot be used: the daemon refuses to start. Lists every problem
/// by variable; never contains a value.
public struct TwilioAgencyAccountsError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stable code for logs and tests.
    public static let code = "credentials.agency_invalid"

    public var problems: [CredentialProblem]

    public init(problems: [CredentialProblem]) { self.problems = problems }

    public var description: String {
        "\(Self.code): " + problems.map(\.description).joined(separator: "; ")
    }
}

extension TwilioAgencyAccounts {
    /// `fromEnvironment`, throwing when any agency has an error; the warnings are returned.
    public static func load(_ env: [String: String]) throws(TwilioAgencyAccountsError)
        -> (TwilioAgencyAccounts, warnings: [CredentialProblem])
    {
        let (accounts, problems) = fromEnvironment(env)
        let errors = problems.filter { $0.severity == .error }
        guard errors.isEmpty else { throw TwilioAgencyAccountsError(problems: errors) }
        return (accounts, problems)
    }
}
