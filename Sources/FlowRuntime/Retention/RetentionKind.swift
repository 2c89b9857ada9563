public import FlowEngine

/// One kind of record kept for a bounded time: its name (the key of `FLOW_RETENTION`), how long it is
/// kept by default, and how a batch of what is due goes. The runtime contributes `instances`; a
/// product contributes its own (`ProductParts.retention`): adding a kind is one value of this type.
///
/// `purge` removes at most `limit` records older than `cutoff` and returns how many it removed. It
/// must be idempotent and safe to run on several daemons at once (every daemon runs retention; a
/// record removed by another is simply not there any more), and must never touch what a running or
/// waiting instance still needs.
public struct RetentionKind: Sendable {
    public var name: String
    /// How long a record is kept when `FLOW_RETENTION` does not say; nil: kept until configured.
    public var defaultAge: TimeSpan?
    /// What the age counts from, for people (`finished`, `sent`, `trip ended`).
    public var since: String
    public var purge: @Sendable (_ cutoff: Instant, _ limit: Int) async throws -> Int

    public init(
        name: String, defaultAge: TimeSpan?, since: String,
        purge: @escaping @Sendable (_ cutoff: Instant, _ limit: Int) async throws -> Int
    ) {
        self.name = name
        self.defaultAge = defaultAge
        self.since = since
        self.purge = purge
    }

    /// The runtime's own kind: finished instances (succeeded, failed, cancelled) with their timelines,
    /// inboxes, approvals and effect-ledger rows, 90 days after they last changed — long enough to
    /// explain a message a traveller asks about a season later, short enough that timelines full of
    /// names and numbers do not pile up. Running and waiting instances are never purged.
    public static func instances(_ removal: any InstanceRemoval) -> RetentionKind {
        RetentionKind(name: "instances", defaultAge: .days(90), since: "finished") { cutoff, limit in
            try await removal.purgeFinishedInstances(updatedBefore: cutoff, limit: limit).instances
        }
    }
}
