import FlowEngine
@testable import FlowRuntime
@testable import Travel
import Foundation
import PostgresNIO
import Testing

/// A daemon claims a cron fire and dies before creating its instance: the replicas still running
/// create it (exactly once between them) on their next check of the claimed fires.
@Suite("Schedule fires claimed by a daemon that died", .serialized)
struct ScheduleRecoveryTests {
    typealias F = ScheduleFixtures

    static let every5Minutes = F.digest(catchUp: "none", cron: "*/5 * * * *")

    /// `count` schedule services for the every-5-minutes flow on one store, sharing a test clock set to `start`.
    static func replicas<Store: FlowStore>(_ count: Int, of store: Store, at start: Instant)
        -> ([ScheduleService<Store>], TestClock)
    {
        let registry = F.registry(every5Minutes)
        let clock = TestClock(start)
        return ((0..<count).map { _ in ScheduleService(store: store, registry: registry, clock: { clock.now }) }, clock)
    }

    /// Runs `body` on a fresh SQLite store, or a fresh database of the test cluster.
    static func withStore(_ kind: String, _ body: @Sendable (any FlowStore) async throws -> Void) async throws -> Bool {
        switch kind {
        case "sqlite":
            let store = try await DaemonFixtures.temporarySQLite()
            do {
                try await body(store)
                try await store.close()
            } catch {
                try? await store.close()
                throw error
            }
            return true
        default:
            guard TestPostgres.url != nil else {
                print("skipped: FLOW_TEST_POSTGRES_URL is not set (scripts/test.sh sets it)")
                return false
            }
            let url = try await TestPostgres.freshDatabase()
            try await StoreConfiguration.from(url: url).withStore { try await body($0.flowStore) }
            return true
        }
    }

    @Test("a fire claimed by a replica that died is started by a live one, once", arguments: ["sqlite", "postgres"])
    func claimedByDeadReplica(kind: String) async throws {
        _ = try await Self.withStore(kind) { try await Self.deadReplica($0) }
    }

    static func deadReplica<Store: FlowStore>(_ store: Store) async throws {
        do {
            let (replicas, clock) = Self.replicas(2, of: store, at: F.at("2026-07-08T11:59:30Z"))
            var cursors = [try await replicas[0].resume(), try await replicas[1].resume()]

            // A third daemon claims the 12:00 fire and dies before creating its instance.
            clock.advance(.seconds(30))
            #expect(try await store.claimScheduleFire(flow: "digest", trigger: 0, fireAt: F.at("2026-07-08T12:00:00Z")))
            var fires: [ScheduleService<Store>.Fire] = []
            clock.advance(.seconds(1))
            fires += try await replicas[0].tick(&cursors[0])
            fires += try await replicas[1].tick(&cursors[1])
            // The 12:05 fire, claimed by one of the live replicas.
            clock.advance(.minutes(5))
            fires += try await replicas[1].tick(&cursors[1])
            fires += try await replicas[0].tick(&cursors[0])
            clock.advance(.seconds(30))
            fires += try await replicas[0].tick(&cursors[0])
            fires += try await replicas[1].tick(&cursors[1])

            let instances = try await store.instances(matching: InstanceFilter(flow: "digest"))
            #expect(instances.compactMap(\.idempotencyKey).sorted() == [
                "schedule/digest/0/2026-07-08T12:00:00Z", "schedule/digest/0/2026-07-08T12:05:00Z",
            ])
            let recovered = fires.filter { $0.outcome == .recovered }
            #expect(recovered.map(\.fireAt) == [F.at("2026-07-08T12:00:00Z")], "\(fires)")
            #expect(fires.filter { $0.outcome == .started }.map(\.fireAt) == [F.at("2026-07-08T12:05:00Z")])
        }
    }

    @Test("replicas checking the same orphaned fires at once create each instance once", arguments: ["sqlite", "postgres"])
    func concurrentRecovery(kind: String) async throws {
        _ = try await Self.withStore(kind) { try await Self.concurrent($0) }
    }

    static func concurrent<Store: FlowStore>(_ store: Store) async throws {
        do {
            let (replicas, clock) = Self.replicas(3, of: store, at: F.at("2026-07-08T12:31:00Z"))
            var cursors: [ScheduleService<Store>.Cursors] = []
            for replica in replicas { cursors.append(try await replica.resume()) }
            // Dead daemons claimed six fires (catch-up) and created none of their instances.
            let orphans = (0..<6).map { F.at("2026-07-08T12:00:00Z") + .minutes(5 * $0) }
            for fireAt in orphans {
                #expect(try await store.claimScheduleFire(flow: "digest", trigger: 0, fireAt: fireAt))
            }
            let recovered = try await withThrowingTaskGroup(of: [ScheduleService<Store>.Fire].self) { group in
                for (replica, cursor) in zip(replicas, cursors) {
                    group.addTask {
                        var cursor = cursor
                        return try await replica.recheck(&cursor)
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            let instances = try await store.instances(matching: InstanceFilter(flow: "digest"))
            #expect(instances.count == orphans.count)
            #expect(Set(instances.compactMap(\.idempotencyKey)).count == orphans.count)
            #expect(recovered.map(\.fireAt).sorted() == orphans, "each fire recovered by exactly one replica")
        }
    }

    @Test("a fire claimed and started here is not looked up again; a later recheck is a no-op")
    func recheckIsIdempotent() async throws {
        _ = try await Self.withStore("sqlite") { try await Self.idempotent($0) }
    }

    static func idempotent<Store: FlowStore>(_ store: Store) async throws {
        do {
            let (replicas, clock) = Self.replicas(2, of: store, at: F.at("2026-07-08T11:59:30Z"))
            let service = replicas[0]
            var cursors = try await service.resume()
            clock.advance(.seconds(31))
            #expect(try await service.tick(&cursors).map(\.outcome) == [.started])
            #expect(try await service.recheck(&cursors).isEmpty)
            // A new process (no memory of what it verified) finds the instance and creates nothing.
            var fresh = try await replicas[1].resume()
            #expect(try await service.recheck(&fresh).isEmpty)
            #expect(try await store.instances(matching: InstanceFilter(flow: "digest")).count == 1)
        }
    }
}
