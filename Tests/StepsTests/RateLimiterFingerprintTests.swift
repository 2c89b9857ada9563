import Testing

@testable import Steps

/// The rate limiter's key fingerprint: the first 12 bytes of the key's SHA-256, each in lowercase
/// hex without a leading zero (as `String(_:radix: 16)` writes a byte), joined. Expected values
/// from Python: `''.join(format(b, 'x') for b in hashlib.sha256(key.encode()).digest()[:12])`.
struct RateLimiterFingerprintTests {
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8"),
        ("dry-run", "25d33183d01ca7827df2eac0"),
        ("aeroapi-key-0123456789abcdef", "6c2ea11b4f4183add09128fb"),
        ("clé ñ", "74c72632d3e875dd3e179ca"),
    ])
    func readsAsUnpaddedHexOfTheDigestPrefix(_ key: String, _ expected: String) {
        #expect(RateLimiter.fingerprint(key) == expected)
    }
}
