public import FlowEngine
public import Logging
public import ServiceLifecycle

/// The daemon's cron scheduler: for every `schedule:` trigger of the loaded flows it computes
/// the due fire instants (IANA zone, DST policy), applies the catch-up policy to fires missed
/// while no daemon ran, claims each fire once across replicas (`claimScheduleFire`) and starts
/// an instance whose idempotency key is the fire's (`schedule/<flow>/<index>/<instant>`).
///
/// Every claimed fire ends with its instance created exactly once, even when its claimer died in
/// between: a fire this process failed to start is retried on its next tick, and every
/// `recheckInterval` (and at start-up) each replica lists the fires claimed in the last
/// `recheckWindow` and creates any missing instance under the fire's idempotency key, so a
/// replica that finds the instance already created gets it back instead of a second one.
public struct ScheduleService<Store: FlowStore>: Service {
    public struct Configuration: Sendable {
        /// How often due fires are looked for.
        public var tick: Duration
        /// A fire at most this late is on time; older ones are subject to the catch-up policy.
        public var grace: TimeSpan
        /// `catch_up: all` runs at most this many missed fires per trigger.
        public var catchUpLimit: Int
        /// How often the claimed fires are checked for a missing instance (a claimer that died).
        public var recheckInterval: TimeSpan
        /// How far back that check looks.
        public var recheckWindow: TimeSpan

        public init(
            tick: Duration = .seconds(1), grace: TimeSpan = .minutes(1), catchUpLimit: Int = 100,
            recheckInterval: TimeSpan = .seconds(15), recheckWindow: TimeSpan = .days(2)
        ) {
            self.tick = tick
            self.grace = grace
            self.catchUpLimit = catchUpLimit
            self.recheckInterval = recheckInterval
            self.recheckWindow = recheckWindow
        }
    }

    /// What happened to one due fire.
    public struct Fire: Sendable, Hashable {
        public enum Outcome: String, Sendable, Hashable {
            /// This daemon claimed the fire and created its instance.
            case started
            /// Another replica had claimed it.
            case claimedElsewhere = "claimed_elsewhere"
            /// Claimed before (here or by a replica that died); its instance was created now (it was missing).
            case recovered
            /// Claimed and its instance already existed.
            case existing
        }

        public var flow: String
        public var trigger: Int
        public var fireAt: Instant
        public var outcome: Outcome
        public var instanceID: String?
    }

    /// Where each trigger's scan resumes; obtained from `resume()`, advanced by `tick`.
    public struct Cursors: Sendable {
        var after: [Instant]
        /// Claimed fires whose instance is still to be created (trigger position, fire instant).
        var unstarted: [(Int, Instant)] = []
        /// Claimed fires known to have their instance (trigger position, fire instant).
        var verified: Set<FireKey> = []
        /// When the claimed fires were last checked for a missing instance.
        var lastRecheck: Instant?
    }

    struct FireKey: Hashable, Sendable {
        var position: Int
        var fireAt: Instant
    }

    public let store: Store
    public let registry: DefinitionRegistry
    public let triggers: [ScheduledTrigger]
    public let configuration: Configuration
    public let clock: @Sendable () -> Instant
    public let logger: Logger
    public let metrics: RuntimeMetrics?
    /// Creates the fires' instances (in the daemon, handing them to this process's worker).
    public let starter: InstanceStarter<Store>

    public init(
        store: Store, registry: DefinitionRegistry, configuration: Configuration = .init(),
        clock: @escaping @Sendable () -> Instant = InstanceWorker<Store>.wallClock,
        logger: Logger = Logger(label: "flow.schedule"), metrics: RuntimeMetrics? = nil,
        wakeup: WorkerWakeup? = nil, handoff: StartHandoff? = nil
    ) {
        self.metrics = metrics
        self.starter = InstanceStarter(store: store, registry: registry, wakeup: wakeup, handoff: handoff)
        self.store = store
        self.registry = registry
        self.triggers = ScheduledTrigger.all(in: registry)
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
    }

    /// Ticks until graceful shutdown.
    public func run() async throws {
        guard !triggers.isEmpty else {
            logger.info("no schedule triggers; scheduler idle")
            // Returning early would end the whole service group.
            try? await gracefulShutdown()
            return
        }
        var cursors = try await resume()
        for trigger in triggers {
            logger.info("schedule active", metadata: [
                "flow.name": "\(trigger.flow)", "flow.trigger": "\(trigger.index)",
                "flow.cron": "\(trigger.cron.text)", "flow.zone": "\(trigger.zone.identifier)",
                "flow.next_fire": "\(trigger.nextFire(after: clock()).map(\.iso8601) ?? "never")",
            ])
        }
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                for fire in try await tick(&cursors) {
                    metrics?.scheduleFire(flow: fire.flow, outcome: fire.outcome.rawValue)
                }
            } catch {
                logger.error("schedule tick failed", metadata: ["flow.error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: configuration.tick) }
        }
    }

    /// Reads each trigger's latest stored fire (catch-up starts there; a trigger that never fired
    /// starts now) and makes sure that fire's instance exists, and every recent claimed fire's.
    public func resume() async throws -> Cursors {
        let now = clock()
        var cursors = Cursors(after: [])
        for (position, trigger) in triggers.enumerated() {
            let last = try await store.lastScheduleFire(flow: trigger.flow, trigger: trigger.index)
            cursors.after.append(last ?? now)
            if let last { cursors.unstarted.append((position, last)) }
        }
        var recovered = cursors
        recovered.unstarted = []
        for (position, fireAt) in cursors.unstarted {
            do {
                let fire = try await startInstance(triggers[position], fireAt: fireAt, claimed: false)
                recovered.verified.insert(FireKey(position: position, fireAt: fireAt))
                if fire.outcome == .recovered { log(fire) }
            } catch {
                recovered.unstarted.append((position, fireAt))
                logger.error("cannot start a claimed fire", metadata: ["flow.error": "\(error)"])
            }
        }
        do {
            _ = try await recheck(&recovered)
        } catch {
            logger.error("cannot check the claimed fires", metadata: ["flow.error": "\(error)"])
        }
        return recovered
    }

    /// Creates the missing instance of every fire claimed in the last `recheckWindow` (a replica
    /// claimed it and died before creating it); returns those it created. Each fire is looked at
    /// once per process: afterwards it is known to have its instance.
    public func recheck(_ cursors: inout Cursors) async throws -> [Fire] {
        let now = clock()
        let since = now - configuration.recheckWindow
        cursors.lastRecheck = now
        cursors.verified = cursors.verified.filter { $0.fireAt >= since }
        let pending = Set(cursors.unstarted.map { FireKey(position: $0.0, fireAt: $0.1) })
        var recovered: [Fire] = []
        for (position, trigger) in triggers.enumerated() {
            for fireAt in try await store.scheduleFires(flow: trigger.flow, trigger: trigger.index, since: since) {
                let key = FireKey(position: position, fireAt: fireAt)
                guard !cursors.verified.contains(key), !pending.contains(key) else { continue }
                let fire = try await startInstance(trigger, fireAt: fireAt, claimed: false)
                cursors.verified.insert(key)
                if fire.outcome == .recovered {
                    log(fire)
                    recovered.append(fire)
                }
            }
        }
        return recovered
    }

    /// One pass at `clock()`: runs every due fire; returns what happened to each.
    public func tick(_ cursors: inout Cursors) async throws -> [Fire] {
        let now = clock()
        var fires: [Fire] = []
        let retry = cursors.unstarted
        cursors.unstarted = []
        for (position, fireAt) in retry {
            do {
                fires.append(try await startInstance(triggers[position], fireAt: fireAt, claimed: false))
                cursors.verified.insert(FireKey(position: position, fireAt: fireAt))
            } catch {
                cursors.unstarted.append((position, fireAt))
                throw error
            }
        }
        for (position, trigger) in triggers.enumerated() {
            let due = trigger.dueFires(
                after: cursors.after[position], through: now, grace: configuration.grace,
                limit: configuration.catchUpLimit)
            cursors.after[position] = now
            for fireAt in due {
                guard try await store.claimScheduleFire(flow: trigger.flow, trigger: trigger.index, fireAt: fireAt) else {
                    fires.append(Fire(flow: trigger.flow, trigger: trigger.index, fireAt: fireAt,
                                      outcome: .claimedElsewhere, instanceID: nil))
                    continue
                }
                do {
                    let fire = try await startInstance(trigger, fireAt: fireAt, claimed: true)
                    cursors.verified.insert(FireKey(position: position, fireAt: fireAt))
                    log(fire)
                    fires.append(fire)
                } catch {
                    cursors.unstarted.append((position, fireAt))
                    logger.error("claimed fire not started; retrying next tick", metadata: [
                        "flow.name": "\(trigger.flow)", "flow.fire_at": "\(fireAt.iso8601)", "flow.error": "\(error)",
                    ])
                }
            }
        }
        if let last = cursors.lastRecheck, now - last < configuration.recheckInterval { return fires }
        return fires + (try await recheck(&cursors))
    }

    /// Creates the fire's instance (idempotent by its key).
    private func startInstance(_ trigger: ScheduledTrigger, fireAt: Instant, claimed: Bool) async throws -> Fire {
        let settings = try registry.directory.effectiveSettings(flow: trigger.flow, agency: nil)
        let input = try trigger.input(fireAt: fireAt, settings: .object(settings))
        // The settings the input was mapped with are the instance's: derived once per fire.
        let result = try await starter.start(
            flow: trigger.flow, input: input, agency: nil, idempotencyKey: trigger.idempotencyKey(fireAt: fireAt),
            settings: settings, at: clock())
        let outcome: Fire.Outcome
        let record: InstanceRecord
        switch result {
        case .created(let r): (outcome, record) = (claimed ? .started : .recovered, r)
        case .existing(let r): (outcome, record) = (.existing, r)
        }
        return Fire(flow: trigger.flow, trigger: trigger.index, fireAt: fireAt, outcome: outcome, instanceID: record.id)
    }

    private func log(_ fire: Fire) {
        logger.info("schedule fired", metadata: [
            "flow.name": "\(fire.flow)", "flow.trigger": "\(fire.trigger)", "flow.fire_at": "\(fire.fireAt.iso8601)",
            "flow.instance": "\(fire.instanceID ?? "")", "flow.outcome": "\(fire.outcome.rawValue)",
        ])
    }
}
