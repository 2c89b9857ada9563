import Foundation

/// A credential `http.request` sends as one header, named in flows (`credential: backend`) and
/// configured only in the daemon's environment: `FLOW_HTTP_CREDENTIAL_BACKEND=Authorization: Bearer …`
/// (`<NAME>` is the name upper-cased with every character other than A–Z and 0–9 turned into `_`;
/// the value is `Header-Name: value`). The value is a `Secret`: it prints `<redacted>`.
public struct HTTPCredential: Sendable, Hashable, CustomStringConvertible {
    /// The header it is sent as (`Authorization`, `X-Api-Key`).
    public var header: String
    public var value: Secret

    public init(header: String, value: Secret) {
        self.header = header
        self.value = value
    }

    public var description: String { "\(header): <redacted>" }

    /// The prefix of the credential variables.
    public static let variablePrefix = "FLOW_HTTP_CREDENTIAL_"

    /// The variable that configures the credential a flow names `name`: `backend` → `FLOW_HTTP_CREDENTIAL_BACKEND`.
    public static func variable(forName name: String) -> String {
        variablePrefix + String(name.uppercased().map { ($0.isASCII && ($0.isLetter || $0.isNumber)) ? $0 : "_" })
    }

    /// Every `FLOW_HTTP_CREDENTIAL_<NAME>` variable, by `<NAME>`; a value that is not
    /// `Header-Name: value` is a problem naming the variable (never the value) and is left out.
    public static func fromEnvironment(_ env: [String: String]) -> ([String: HTTPCredential], [CredentialProblem]) {
        var credentials: [String: HTTPCredential] = [:]
        var problems: [CredentialProblem] = []
        for (variable, text) in env.sorted(by: { $0.key < $1.key }) where variable.hasPrefix(variablePrefix) {
            let name = String(variable.dropFirst(variablePrefix.count))
            guard !name.isEmpty else { continue }
            guard let colon = text.firstIndex(of: ":") else {
                problems.append(CredentialProblem(
                    variable: variable, severity: .error, message: "must be 'Header-Name: value' (no ':' found)"))
                continue
            }
            let header = String(text[..<colon]).trimmingCharacters(in: .whitespaces)
            let value = String(text[text.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
            guard !header.isEmpty, header.allSatisfy(isTokenCharacter) else {
                problems.append(CredentialProblem(
                    variable: variable, severity: .error,
                    message: "the header name before ':' is not a valid HTTP header name"))
                continue
            }
            guard !value.isEmpty, !value.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" }) else {
                problems.append(CredentialProblem(
                    variable: variable, severity: .error, message: "the value after ':' is empty or spans lines"))
                continue
            }
            credentials[name] = HTTPCredential(header: header, value: Secret(value))
        }
        return (credentials, problems)
    }

    /// RFC 9110 `tchar`.
    static func isTokenCharacter(_ c: Character) -> Bool {
        c.isASCII && (c.isLetter || c.isNumber || "!#$%&'*+-.^_`|~".contains(c))
    }
}
