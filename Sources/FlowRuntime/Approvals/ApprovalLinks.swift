import Crypto
public import FlowEngine
import Foundation
public import Steps

/// Signed decision links: `<public URL>/approvals/link/<token>`, one per approver and notice, where
/// the token is `base64url(payload).base64url(HMAC-SHA256(payload))` and the payload names the
/// approval (its record id), the approver, the approval's expiry and a random nonce. The signature
/// is the authority (no API key): whoever holds the link may decide that approval, as that approver,
/// until it expires or is decided. A changed byte anywhere (another approval's id, another approver,
/// a later expiry) fails the signature. Tokens are never logged.
public struct ApprovalLinks: Sendable {
    /// What a valid token says.
    public struct Claim: Sendable, Hashable {
        /// The approval's record id (`ApprovalRecord.id`, `<instance>:a1`).
        public var approval: String
        public var approver: String
        /// The approval's expiry when the link was made; nil when it has none.
        public var expiresAt: Instant?
        public var nonce: String

        public init(approval: String, approver: String, expiresAt: Instant?, nonce: String) {
            self.approval = approval
            self.approver = approver
            self.expiresAt = expiresAt
            self.nonce = nonce
        }
    }

    private let key: SymmetricKey
    /// The daemon's public base URL (`FLOW_PUBLIC_URL`), without a trailing slash.
    public let publicURL: String

    public init(secret: Secret, publicURL: String) {
        self.key = SymmetricKey(data: SHA256.hash(data: Data(secret.exposed.utf8)))
        var base = publicURL
        while base.hasSuffix("/") { base.removeLast() }
        self.publicURL = base
    }

    /// The link for `claim`.
    public func url(for claim: Claim) -> String { "\(publicURL)/approvals/link/\(token(for: claim))" }

    public func token(for claim: Claim) -> String {
        let fields = ["v1", claim.approval, claim.approver, claim.expiresAt.map { String($0.epochMilliseconds) } ?? "",
                      claim.nonce]
        let payload = Data(fields.joined(separator: Self.separator).utf8)
        let mac = HMAC<SHA256>.authenticationCode(for: payload, using: key)
        return Self.base64URL(payload) + "." + Self.base64URL(Data(mac))
    }

    /// The claim of a token whose signature holds; nil for a malformed or tampered one. The MAC is
    /// compared in constant time (`HMAC.isValidAuthenticationCode`).
    public func verify(_ token: String) -> Claim? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, token.count <= 2_048, let payload = Self.data(base64URL: parts[0]),
              let mac = Self.data(base64URL: parts[1]),
              HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: payload, using: key),
              let text = String(data: payload, encoding: .utf8)
        else { return nil }
        let fields = text.components(separatedBy: Self.separator)
        guard fields.count == 5, fields[0] == "v1" else { return nil }
        let expiresAt: Instant?
        if fields[3].isEmpty {
            expiresAt = nil
        } else {
            guard let ms = Int64(fields[3]) else { return nil }
            expiresAt = Instant(epochMilliseconds: ms)
        }
        return Claim(approval: fields[1], approver: fields[2], expiresAt: expiresAt, nonce: fields[4])
    }

    /// A fresh nonce (16 random bytes, base64url).
    public static func nonce() -> String {
        var generator = SystemRandomNumberGenerator()
        return base64URL(Data((0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) }))
    }

    /// A fresh secret for a database that has none (32 random bytes, base64url).
    public static func generatedSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        return base64URL(Data((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }))
    }

    /// The unit separator: cannot appear in an id or an approver's name as flows write them.
    static let separator = "\u{1F}"

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func data(base64URL text: Substring) -> Data? {
        guard !text.isEmpty, text.allSatisfy({ ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "-" || $0 == "_" }) else { return nil }
        var base = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base.count % 4 != 0 { base += "=" }
        return Data(base64Encoded: base)
    }
}
