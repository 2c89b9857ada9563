/// The delay before a retry: `initial * factor^(attempt-1)`, capped, with jitter derived from
/// the instance id and the attempt (no randomness, so a run replays exactly).
public struct RetryBackoff: Sendable, Hashable {
    public var initial: TimeSpan
    public var factor: Double
    public var maxDelay: TimeSpan
    public var jitter: RetryPolicy.Jitter

    public init(initial: TimeSpan, factor: Double, maxDelay: TimeSpan, jitter: RetryPolicy.Jitter) {
        self.initial = initial
        self.factor = factor
        self.maxDelay = maxDelay
        self.jitter = jitter
    }

    /// The delay after failed attempt `attempt` (1-based).
    public func delay(afterAttempt attempt: Int, instanceID: String) -> TimeSpan {
        var raw = Double(initial.milliseconds)
        for _ in 1..<max(1, attempt) { raw *= factor }
        let capped = min(raw, Double(maxDelay.milliseconds))
        let unit = Self.unitInterval(seed: "\(instanceID)#\(attempt)")
        let jittered: Double =
            switch jitter {
            case .none: capped
            case .full: capped * unit
            case .equal: capped / 2 + capped / 2 * unit
            }
        return TimeSpan(milliseconds: Int64(jittered.rounded()))
    }

    /// A number in [0, 1) from FNV-1a of the seed.
    static func unitInterval(seed: String) -> Double {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in seed.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return Double(hash >> 11) / Double(UInt64(1) << 53)
    }
}
