public import FlowEngine
public import Logging
public import ServiceLifecycle

/// Enforces the retention policy: every `interval`, for each kind with an age, purges what is older
/// than now minus the age in batches of `batch` (at most `maxBatches` per kind and run).
///
/// Every daemon runs it; no leader is elected. That is safe because each purge is a bounded,
/// idempotent delete of records nothing running needs: two daemons purging at once remove each record
/// once between them (the second finds it gone), and the batches keep each transaction short.
public struct RetentionService: Service {
    public let policy: RetentionPolicy
    public let kinds: [RetentionKind]
    let clock: @Sendable () -> Instant
    let logger: Logger
    let metrics: RuntimeMetrics

    public init(
        policy: RetentionPolicy, kinds: [RetentionKind], clock: @escaping @Sendable () -> Instant,
        logger: Logger = Logger(label: "flow.retention"), metrics: RuntimeMetrics = RuntimeMetrics()
    ) {
        self.policy = policy
        self.kinds = kinds
        self.clock = clock
        self.logger = logger
        self.metrics = metrics
    }

    public func run() async throws {
        guard !policy.disabled, kinds.contains(where: { policy.age(of: $0) != nil }) else { return }
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                _ = try await purgeOnce()
            } catch {
                logger.warning("retention: purge failed; retried next run", metadata: ["flow.error": "\(error)"])
            }
            let pause = Duration.milliseconds(policy.interval.milliseconds)
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) }
        }
    }

    /// One run: what each kind purged (kinds kept forever are absent).
    public func purgeOnce() async throws -> [String: Int] {
        let now = clock()
        var purged: [String: Int] = [:]
        for kind in kinds {
            guard let age = policy.age(of: kind) else { continue }
            let cutoff = now - age
            var total = 0
            for _ in 0..<max(1, policy.maxBatches) {
                if Task.isCancelled { break }
                let removed = try await kind.purge(cutoff, policy.batch)
                total += removed
                if removed < policy.batch { break }
            }
            purged[kind.name] = total
            metrics.retentionPurged(kind: kind.name, count: total)
            if total > 0 {
                logger.info("retention: purged", metadata: [
                    "flow.kind": "\(kind.name)", "flow.count": "\(total)", "flow.cutoff": "\(cutoff)",
                ])
            }
        }
        return purged
    }
}
