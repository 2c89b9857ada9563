public import FlowEngine

/// One `schedule:` trigger of a loaded flow, ready for fire-time arithmetic: the parsed cron,
/// the IANA zone, the DST and catch-up policies. Pure; the daemon's `ScheduleService` and
/// `flowctl schedule` both compute fire times through it.
public struct ScheduledTrigger: Sendable {
    /// The flow the trigger starts.
    public let flow: String
    /// The trigger's index in the flow's `triggers:` list (stable part of the fire's identity).
    public let index: Int
    public let cron: CronSchedule
    public let zone: ZoneRules
    public let dst: ScheduleTrigger.DSTPolicy
    public let catchUp: ScheduleTrigger.CatchUpPolicy
    /// Maps the fire to the flow input; nil = an empty object.
    public let input: ValueTemplate?

    /// Nil when the cron text or the zone does not parse (the validator reports both, T202/T203).
    public init?(flow: String, index: Int, trigger: ScheduleTrigger) {
        guard let cron = try? CronSchedule(parsing: trigger.cron.value),
              let zone = ZoneRules(identifier: trigger.zone.value) else { return nil }
        self.flow = flow
        self.index = index
        self.cron = cron
        self.zone = zone
        self.dst = trigger.dst.value
        self.catchUp = trigger.catchUp.value
        self.input = trigger.input
    }

    /// Every schedule trigger of the registry's current flows, by flow name then index.
    public static func all(in registry: DefinitionRegistry) -> [ScheduledTrigger] {
        registry.flowNames.flatMap { name -> [ScheduledTrigger] in
            guard let loaded = registry.current(name) else { return [] }
            return loaded.flow.triggers.enumerated().compactMap { index, trigger in
                guard case .schedule(let schedule) = trigger else { return nil }
                return ScheduledTrigger(flow: name, index: index, trigger: schedule)
            }
        }
    }

    /// The first fire strictly after `instant` (DST-correct), nil when the cron never fires.
    public func nextFire(after instant: Instant) -> Instant? {
        cron.nextFire(after: instant, in: zone, dst: dst)
    }

    /// The next `count` fires strictly after `instant`.
    public func upcoming(after instant: Instant, count: Int) -> [Instant] {
        var fires: [Instant] = []
        var cursor = instant
        while fires.count < count, let next = nextFire(after: cursor) {
            fires.append(next)
            cursor = next
        }
        return fires
    }

    /// The fires to run at `now` when the previous tick (or the last stored fire) was `after`.
    ///
    /// A fire no more than `grace` old is on time and always runs. Older ones were missed while no
    /// daemon ran, and the catch-up policy decides: `none` drops them, `last` runs only the most
    /// recent due fire (missed fires coalesce into one), `all` runs each one, the most recent
    /// `limit` of them. Fires older than `lookback` before `now` are not considered at all.
    public func dueFires(
        after: Instant, through now: Instant, grace: TimeSpan, limit: Int = 100, lookback: TimeSpan = .days(366)
    ) -> [Instant] {
        var due: [Instant] = []
        var cursor = max(after, now - lookback)
        while let next = nextFire(after: cursor), next <= now {
            due.append(next)
            if due.count > limit { due.removeFirst(due.count - limit) }
            cursor = next
        }
        guard let latest = due.last else { return [] }
        switch catchUp {
        case .all: return due
        case .last: return [latest]
        case .none: return due.filter { now - $0 <= grace }
        }
    }

    /// The instance idempotency key of one fire: a fire starts at most one instance.
    public func idempotencyKey(fireAt: Instant) -> String {
        "schedule/\(flow)/\(index)/\(fireAt.iso8601)"
    }

    /// The flow input for a fire. The template sees `now` (the fire instant), `settings` (the
    /// flow's defaults) and `event` (`name: schedule`, `fire_at`, `cron`, `zone`).
    public func input(fireAt: Instant, settings: Value) throws(EvaluationError) -> Value {
        guard let input else { return .object([:]) }
        let event: Value = .object([
            "name": "schedule", "fire_at": .instant(fireAt), "cron": .string(cron.text),
            "zone": .string(zone.identifier),
        ])
        let context = EvaluationContext(bindings: [
            "now": .instant(fireAt), "settings": settings, "event": event, "input": .object([:]),
        ])
        return try ExpressionEvaluation.evaluate(input, in: context)
    }

    /// The fire's wall time in the trigger's zone with its offset: `Mon 2026-03-09 02:30 -04:00`.
    public func localText(of instant: Instant) -> String {
        let local = zone.localDateTime(of: instant)
        let offset = zone.offset(at: instant)
        let sign = offset < 0 ? "-" : "+"
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let weekday = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"][local.date.weekday]
        let date = String(local.description.prefix(10))
        return "\(weekday) \(date) \(two(local.hour)):\(two(local.minute)) \(sign)\(two(abs(offset) / 3600)):\(two(abs(offset) % 3600 / 60))"
    }

    /// `flow#index (cron in zone)`, for logs and listings.
    public var label: String { "\(flow)#\(index) (\(cron.text) \(zone.identifier))" }
}
