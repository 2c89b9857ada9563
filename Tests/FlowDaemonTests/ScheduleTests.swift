import FlowEngine
import FlowRuntime
import Travel
import Foundation
import Testing

enum ScheduleFixtures {
    /// A daily 09:00 Buenos Aires schedule with the given catch-up policy.
    static func digest(catchUp: String, cron: String = "0 9 * * *", zone: String = "America/Argentina/Buenos_Aires",
                       dst: String = "shift") -> String {
        """
        flow: digest
        version: 1
        triggers:
          - schedule:
              cron: "\(cron)"
              zone: \(zone)
              dst: \(dst)
              catch_up: \(catchUp)
              input: { report: daily, at: "${{ now }}" }
        input:
          report: string
          at: instant
        start: done
        states:
          done:
            succeed: true
        """
    }

    static func registry(_ text: String) -> DefinitionRegistry {
        let directory = WorkflowDirectory.load(
            flows: [SourceFile(path: "digest.yaml", text: text)], agencies: [], catalogue: .standard)
        return DefinitionRegistry(directory: directory)
    }

    static func trigger(_ text: String) throws -> ScheduledTrigger {
        let registry = registry(text)
        #expect(!registry.directory.diagnostics.hasErrors, "\(registry.directory.diagnostics)")
        return try #require(ScheduledTrigger.all(in: registry).first)
    }

    static func at(_ text: String) -> Instant { Instant(iso8601: text)! }
}

@Suite("Schedule triggers")
struct ScheduleTests {
    typealias F = ScheduleFixtures

    @Test("upcoming fires are DST-correct", arguments: [
        // New York springs forward on 2026-03-08 at 02:00: 02:30 does not exist that day.
        ("shift", ["2026-03-07T07:30:00Z", "2026-03-08T07:00:00Z", "2026-03-09T06:30:00Z"]),
        ("skip", ["2026-03-07T07:30:00Z", "2026-03-09T06:30:00Z", "2026-03-10T06:30:00Z"]),
    ])
    func springForward(dst: String, expected: [String]) throws {
        let trigger = try F.trigger(F.digest(catchUp: "none", cron: "30 2 * * *", zone: "America/New_York", dst: dst))
        let fires = trigger.upcoming(after: F.at("2026-03-07T00:00:00Z"), count: 3)
        #expect(fires.map(\.iso8601) == expected.map { F.at($0).iso8601 })
    }

    @Test("a repeated local time (fall back) fires once")
    func fallBack() throws {
        let trigger = try F.trigger(F.digest(catchUp: "none", cron: "30 1 * * *", zone: "America/New_York"))
        let fires = trigger.upcoming(after: F.at("2026-10-31T12:00:00Z"), count: 3)
        // 01:30 EDT on Nov 1 (05:30Z) only, not 01:30 EST (06:30Z); then 01:30 EST on the next days.
        #expect(fires == [F.at("2026-11-01T05:30:00Z"), F.at("2026-11-02T06:30:00Z"), F.at("2026-11-03T06:30:00Z")])
    }

    @Test("catch-up policy after three days down", arguments: [
        ("none", [String]()),
        ("last", ["2026-07-11T12:00:00Z"]),
        ("all", ["2026-07-09T12:00:00Z", "2026-07-10T12:00:00Z", "2026-07-11T12:00:00Z"]),
    ])
    func catchUp(policy: String, expected: [String]) throws {
        let trigger = try F.trigger(F.digest(catchUp: policy))
        // Last fire 2026-07-08 09:00 -03; the daemon comes back 2026-07-11 10:00 -03 (an hour late).
        let due = trigger.dueFires(after: F.at("2026-07-08T12:00:00Z"), through: F.at("2026-07-11T13:00:00Z"),
                                   grace: .minutes(1))
        #expect(due == expected.map(F.at))
    }

    @Test("an on-time fire runs under every policy", arguments: ["none", "last", "all"])
    func onTime(policy: String) throws {
        let trigger = try F.trigger(F.digest(catchUp: policy))
        let due = trigger.dueFires(after: F.at("2026-07-08T11:59:59Z"), through: F.at("2026-07-08T12:00:00.500Z"),
                                   grace: .minutes(1))
        #expect(due == [F.at("2026-07-08T12:00:00Z")])
    }

    @Test("catch_up: all is bounded by the limit, keeping the latest fires")
    func catchUpLimit() throws {
        let trigger = try F.trigger(F.digest(catchUp: "all"))
        let due = trigger.dueFires(after: F.at("2026-07-01T12:00:00Z"), through: F.at("2026-07-11T13:00:00Z"),
                                   grace: .minutes(1), limit: 2)
        #expect(due == [F.at("2026-07-10T12:00:00Z"), F.at("2026-07-11T12:00:00Z")])
    }

    @Test("two daemons on one SQLite store start each fire once")
    func twoReplicas() async throws {
        let store = try await DaemonFixtures.temporarySQLite()
        let registry = F.registry(F.digest(catchUp: "none"))
        let clock = TestClock(F.at("2026-07-08T11:59:30Z"))
        let replicas = (0..<2).map { _ in ScheduleService(store: store, registry: registry, clock: { clock.now }) }
        var cursors = [try await replicas[0].resume(), try await replicas[1].resume()]
        #expect(try await replicas[0].tick(&cursors[0]).isEmpty)

        clock.advance(.seconds(31))
        let first = try await replicas[0].tick(&cursors[0])
        let second = try await replicas[1].tick(&cursors[1])
        #expect(first.map(\.outcome) == [.started])
        #expect(second.map(\.outcome) == [.claimedElsewhere])
        let instances = try await store.instances(matching: InstanceFilter(flow: "digest"))
        #expect(instances.count == 1)
        let instance = try #require(instances.first)
        #expect(instance.id == first.first?.instanceID)
        #expect(instance.idempotencyKey == "schedule/digest/0/2026-07-08T12:00:00Z")
        #expect(instance.status == .succeeded)
        // Nothing more until the next day's fire.
        clock.advance(.hours(23))
        #expect(try await replicas[1].tick(&cursors[1]).isEmpty)
        clock.advance(.hours(1))
        #expect(try await replicas[1].tick(&cursors[1]).map(\.outcome) == [.started])
        #expect(try await replicas[0].tick(&cursors[0]).map(\.outcome) == [.claimedElsewhere])
        #expect(try await store.instances(matching: InstanceFilter(flow: "digest")).count == 2)
        try await store.close()
    }

    @Test("after downtime the stored last fire drives catch-up", arguments: [("none", 0), ("last", 1), ("all", 3)])
    func catchUpOnStore(policy: String, expected: Int) async throws {
        let store = try await DaemonFixtures.temporarySQLite()
        let registry = F.registry(F.digest(catchUp: policy))
        let clock = TestClock(F.at("2026-07-08T11:59:59Z"))
        let before = ScheduleService(store: store, registry: registry, clock: { clock.now })
        var cursors = try await before.resume()
        clock.advance(.seconds(1))
        #expect(try await before.tick(&cursors).count == 1)

        // Down until three days later, an hour after the fire time.
        clock.advance(.hours(73))
        let after = ScheduleService(store: store, registry: registry, clock: { clock.now })
        var resumed = try await after.resume()
        let fires = try await after.tick(&resumed)
        #expect(fires.count == expected)
        #expect(fires.allSatisfy { $0.outcome == .started })
        #expect(try await store.instances(matching: InstanceFilter(flow: "digest")).count == 1 + expected)
        #expect(try await after.tick(&resumed).isEmpty)
        try await store.close()
    }

    @Test("a claimed fire without its instance is started at resume")
    func recoversClaimedFire() async throws {
        let store = try await DaemonFixtures.temporarySQLite()
        let registry = F.registry(F.digest(catchUp: "none"))
        let fireAt = F.at("2026-07-08T12:00:00Z")
        // A daemon claimed the fire and died before creating the instance.
        #expect(try await store.claimScheduleFire(flow: "digest", trigger: 0, fireAt: fireAt))
        let clock = TestClock(F.at("2026-07-08T12:00:05Z"))
        let service = ScheduleService(store: store, registry: registry, clock: { clock.now })
        var cursors = try await service.resume()
        let instances = try await store.instances(matching: InstanceFilter(flow: "digest"))
        #expect(instances.map(\.idempotencyKey) == ["schedule/digest/0/2026-07-08T12:00:00Z"])
        #expect(try await service.tick(&cursors).isEmpty)
        // Resuming again does not create a second one.
        _ = try await service.resume()
        #expect(try await store.instances(matching: InstanceFilter(flow: "digest")).count == 1)
        try await store.close()
    }
}
