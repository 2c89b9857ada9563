import Crypto
import Foundation

/// `X-Twilio-Signature`: base64 HMAC-SHA1, keyed by the auth token, over the full URL followed
/// by every form parameter as `name + value`, names sorted, each name's distinct values sorted
/// (contracts README §1.8). Pure.
public enum TwilioSignature {
    /// The string Twilio signs.
    public static func payload(url: String, parameters: [(String, String)]) -> String {
        var byName: [String: Set<String>] = [:]
        for (name, value) in parameters { byName[name, default: []].insert(value) }
        var out = url
        for name in byName.keys.sorted(by: utf8Less) {
            for value in byName[name]!.sorted(by: utf8Less) { out += name + value }
        }
        return out
    }

    /// The header value for a request to `url` with these form parameters.
    public static func compute(url: String, parameters: [(String, String)], authToken: String) -> String {
        let key = SymmetricKey(data: Array(authToken.utf8))
        let mac = HMAC<Insecure.SHA1>.authenticationCode(for: Array(payload(url: url, parameters: parameters).utf8), using: key)
        return Data(mac).base64EncodedString()
    }

    /// Whether `signature` is valid for the URL as given or with its default port added or removed
    /// (Twilio signs ports inconsistently; the official validator accepts both). Constant-time.
    public static func verify(signature: String?, url: String, parameters: [(String, String)], authToken: String) -> Bool {
        guard let signature, !signature.isEmpty else { return false }
        var accepted = false
        for candidate in urlVariants(url) {
            let expected = compute(url: candidate, parameters: parameters, authToken: authToken)
            if constantTimeEqual(Array(expected.utf8), Array(signature.utf8)) { accepted = true }
        }
        return accepted
    }

    /// The URL itself, with the scheme's default port added when absent, and without any port.
    static func urlVariants(_ url: String) -> [String] {
        guard let schemeEnd = url.range(of: "://") else { return [url] }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        let afterScheme = url[schemeEnd.upperBound...]
        let authorityEnd = afterScheme.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? afterScheme.endIndex
        let authority = afterScheme[..<authorityEnd]
        let rest = afterScheme[authorityEnd...]
        let prefix = url[..<schemeEnd.upperBound]
        let hostEnd = authority.lastIndex(of: ":").flatMap { colon in
            authority[authority.index(after: colon)...].allSatisfy(\.isNumber) && !authority[colon...].contains("]")
                ? colon : nil
        }
        if let hostEnd {
            return [url, String(prefix + authority[..<hostEnd] + rest)]
        }
        let port = scheme == "https" ? "443" : scheme == "http" ? "80" : nil
        guard let port else { return [url] }
        return [url, String(prefix + authority + ":" + port + rest)]
    }

    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var diff: UInt8 = 0
        for i in a.indices { diff |= a[i] ^ b[i] }
        return diff == 0
    }

    private static func utf8Less(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }
}
