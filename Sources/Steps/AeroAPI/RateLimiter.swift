public import FlowEngine
import Crypto
import Synchronization

/// A token bucket per key, on the caller's clock. AeroAPI limits result sets per key
/// (contracts README §2.4); every page fetched takes a token. The daemon's API limits requests
/// per caller with the same buckets (`RequestRateLimiting`).
///
/// Memory stays bounded however many keys pass: past `prunedAbove` buckets, those refilled to
/// capacity are dropped, since a full bucket and a missing one grant the same.
///
/// When the bucket is empty the step fails `transient` with `retryAfter` set to when the next
/// token arrives, rather than sleeping: a sleeping step would hold an executor slot and could
/// never advance on a virtual clock, while a transient failure lets the executor park the
/// instance on a durable timer and retry exactly when a token exists.
public final class RateLimiter: Sendable {
    /// A plan's limit: `capacity` tokens, refilled at one per `interval`.
    public struct Plan: Sendable, Hashable {
        public var capacity: Int
        public var interval: TimeSpan

        public init(capacity: Int, interval: TimeSpan) {
            self.capacity = max(capacity, 1)
            self.interval = interval
        }

        /// 10 result sets per minute.
        public static let personal = Plan(capacity: 10, interval: .seconds(6))
        /// 5 result sets per second.
        public static let standard = Plan(capacity: 5, interval: .milliseconds(200))
        /// 100 result sets per second.
        public static let premium = Plan(capacity: 100, interval: .milliseconds(10))
    }

    public let plan: Plan
    /// How many buckets are kept before the full ones are dropped.
    public let prunedAbove: Int
    private let buckets = Mutex<[String: (tokens: Double, at: Instant)]>([:])

    public init(plan: Plan, prunedAbove: Int = 10_000) {
        self.plan = plan
        self.prunedAbove = max(prunedAbove, 1)
    }

    /// How many buckets are held now.
    public var bucketCount: Int { buckets.withLock { $0.count } }

    /// Takes a token for `key` at `now`; nil when granted, else how long until one is available.
    public func acquire(key: String, now: Instant) -> TimeSpan? {
        let id = Self.fingerprint(key)
        return buckets.withLock { buckets in
            if buckets[id] == nil, buckets.count >= prunedAbove {
                buckets = buckets.filter { refilled($0.value, at: now) < Double(plan.capacity) }
            }
            var bucket = buckets[id] ?? (Double(plan.capacity), now)
            bucket.tokens = refilled(bucket, at: now)
            bucket.at = max(now, bucket.at)
            if bucket.tokens >= 1 {
                bucket.tokens -= 1
                buckets[id] = bucket
                return nil
            }
            buckets[id] = bucket
            let missing = (1 - bucket.tokens) * Double(plan.interval.milliseconds)
            return TimeSpan(milliseconds: max(Int64(missing.rounded(.up)), 1))
        }
    }

    /// The tokens `bucket` holds at `now`.
    private func refilled(_ bucket: (tokens: Double, at: Instant), at now: Instant) -> Double {
        let elapsed = max(Double((now - bucket.at).milliseconds), 0)
        return min(Double(plan.capacity), bucket.tokens + elapsed / Double(max(plan.interval.milliseconds, 1)))
    }

    /// Keys are held as hashes, so a heap dump or debug print shows no secret: the first 12
    /// bytes of the SHA-256, each in lowercase hex without a leading zero (as `String(_:radix:)`
    /// writes it), written as bytes rather than as 12 strings joined.
    static func fingerprint(_ key: String) -> String {
        var text: [UInt8] = []
        text.reserveCapacity(24)
        for byte in SHA256.hash(data: Array(key.utf8)).prefix(12) {
            if byte >= 16 { text.append(hexDigits[Int(byte >> 4)]) }
            text.append(hexDigits[Int(byte & 15)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}

extension TimeSpan {
    static func milliseconds(_ ms: Int64) -> TimeSpan { TimeSpan(milliseconds: ms) }
}
