import Crypto
public import FlowEngine
import Foundation

/// A key just created: its record and the one time its whole text exists (`flow_<id>_<secret>`).
public struct IssuedAPIKey: Sendable {
    public var record: APIKeyRecord
    /// The bearer token to give to the caller. Shown once; never stored, logged or echoed.
    public var token: String
}

/// Creating, checking and revoking API keys: what `flowctl keys` and the daemon's authentication share.
///
/// A key reads `flow_<id>_<secret>`: `id` is 16 lower-case hex digits (8 random bytes) and is
/// stored in clear (it names the key in lists and revocations); `secret` is 64 lower-case hex
/// digits (32 random bytes) of which only the SHA-256 digest is stored. A presented key is
/// looked up by its id and its secret's digest compared in constant time.
public enum APIKeys {
    /// Why a key could not be created.
    public struct CreateError: Error, Sendable, Hashable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    static let prefix = "flow_"

    /// Creates and stores a key for `agency` (required unless `admin`); returns it with its token.
    public static func create(
        in store: some APIKeyStore, name: String?, agency: String?, admin: Bool, at now: Instant
    ) async throws -> IssuedAPIKey {
        let agency = agency.flatMap { $0.isEmpty ? nil : $0 }
        guard admin || agency != nil else {
            throw CreateError(message: "a key belongs to an agency (--agency ID) unless it is an admin key (--admin)")
        }
        let id = hex(randomBytes(8))
        let secret = hex(randomBytes(32))
        let fallback = "\(admin ? "admin" : agency ?? "key")-\(id.prefix(6))"
        let label = name.flatMap { $0.isEmpty ? nil : $0 } ?? fallback
        let record = APIKeyRecord(
            id: id, name: label, agencyID: agency, admin: admin, secretDigest: digest(secret), createdAt: now)
        try await store.createAPIKey(record)
        return IssuedAPIKey(record: record, token: prefix + id + "_" + secret)
    }

    /// The live key `token` names, when its secret matches and it is not revoked; nil otherwise
    /// (malformed, unknown, wrong secret or revoked: the caller answers all of them alike).
    public static func authenticate(_ token: String, in store: some APIKeyStore) async throws -> APIKeyRecord? {
        guard let (id, secret) = parse(token), let record = try await store.apiKey(id: id) else { return nil }
        guard constantTimeEqual(digest(secret), record.secretDigest), record.revokedAt == nil else { return nil }
        return record
    }

    /// `(id, secret)` of a well-formed token.
    static func parse(_ token: String) -> (id: String, secret: String)? {
        guard token.hasPrefix(prefix) else { return nil }
        let parts = token.dropFirst(prefix.count).split(separator: "_", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 16, parts[1].count == 64,
              parts.allSatisfy({ $0.allSatisfy(\.isHexDigit) })
        else { return nil }
        return (String(parts[0]), String(parts[1]))
    }

    /// SHA-256 of the secret's text, lower-case hex.
    static func digest(_ secret: String) -> String {
        hex(Array(SHA256.hash(data: Data(secret.utf8))))
    }

    /// Compares two digests without stopping at the first difference.
    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let left = Array(a.utf8)
        let right = Array(b.utf8)
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for index in left.indices { difference |= left[index] ^ right[index] }
        return difference == 0
    }

    /// `count` bytes from the system's cryptographic generator.
    static func randomBytes(_ count: Int) -> [UInt8] {
        SymmetricKey(size: SymmetricKeySize(bitCount: count * 8)).withUnsafeBytes { Array($0) }
    }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }
}
