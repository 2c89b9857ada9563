public import FlowEngine
import Foundation

/// How long each kind of record is kept, and how the daemon enforces it (`RetentionService`).
///
/// | setting | environment | default |
/// |---|---|---|
/// | ages by kind (`kind=age`, `off` keeps forever) | `FLOW_RETENTION` (`instances=90d,conversations=180d`) | each kind's `defaultAge` |
/// | how often a daemon purges | `FLOW_RETENTION_INTERVAL` | 1h |
/// | records per delete statement | `FLOW_RETENTION_BATCH` | 500 |
///
/// `FLOW_RETENTION=off` turns retention off altogether.
public struct RetentionPolicy: Sendable, Hashable {
    /// Ages configured by kind name; nil value: kept forever.
    public var ages: [String: TimeSpan?]
    /// Retention off altogether.
    public var disabled: Bool
    public var interval: TimeSpan
    public var batch: Int
    /// Batches per kind in one run at most (a backlog is worked off over several runs).
    public var maxBatches: Int

    public init(
        ages: [String: TimeSpan?] = [:], disabled: Bool = false, interval: TimeSpan = .hours(1), batch: Int = 500,
        maxBatches: Int = 20
    ) {
        self.ages = ages
        self.disabled = disabled
        self.interval = interval
        self.batch = batch
        self.maxBatches = maxBatches
    }

    /// How long records of `kind` are kept; nil: forever.
    public func age(of kind: RetentionKind) -> TimeSpan? {
        if disabled { return nil }
        if let configured = ages[kind.name] { return configured }
        return kind.defaultAge
    }

    /// A bad retention setting, naming the variable.
    public struct SettingError: Error, Sendable, Hashable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// Reads `FLOW_RETENTION`, `FLOW_RETENTION_INTERVAL` and `FLOW_RETENTION_BATCH`.
    public static func fromEnvironment(_ variables: [String: String]) throws(SettingError) -> RetentionPolicy {
        var policy = RetentionPolicy()
        if let text = variables["FLOW_RETENTION"], !text.isEmpty {
            if text.trimmingCharacters(in: .whitespaces) == "off" {
                policy.disabled = true
            } else {
                for part in text.split(separator: ",") {
                    let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                    guard pair.count == 2, !pair[0].isEmpty else {
                        throw SettingError(message: "FLOW_RETENTION: '\(part)' must be kind=age (e.g. instances=90d) or kind=off")
                    }
                    if pair[1] == "off" {
                        policy.ages[pair[0]] = .some(nil)
                    } else if let age = TimeSpan(parsing: pair[1]), age > .zero {
                        policy.ages[pair[0]] = age
                    } else {
                        throw SettingError(message: "FLOW_RETENTION: the age of '\(pair[0])' must be a positive duration (90d) or off")
                    }
                }
            }
        }
        if let text = variables["FLOW_RETENTION_INTERVAL"], !text.isEmpty {
            guard let interval = TimeSpan(parsing: text), interval >= .seconds(1) else {
                throw SettingError(message: "FLOW_RETENTION_INTERVAL must be a duration of at least 1s")
            }
            policy.interval = interval
        }
        if let text = variables["FLOW_RETENTION_BATCH"], !text.isEmpty {
            guard let batch = Int(text), (1...10_000).contains(batch) else {
                throw SettingError(message: "FLOW_RETENTION_BATCH must be a number from 1 to 10000")
            }
            policy.batch = batch
        }
        return policy
    }

    /// Refuses ages for kinds nobody registered (a typo would otherwise keep data forever silently).
    public func check(known kinds: [RetentionKind]) throws(SettingError) {
        let names = Set(kinds.map(\.name))
        if let unknown = ages.keys.sorted().first(where: { !names.contains($0) }) {
            throw SettingError(
                message: "FLOW_RETENTION: unknown kind '\(unknown)' (known: \(names.sorted().joined(separator: ", ")))")
        }
    }
}
