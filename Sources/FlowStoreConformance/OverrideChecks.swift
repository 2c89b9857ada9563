import FlowEngine
import FlowRuntime
import Testing

/// Checks of `OverrideStore`: revisions per agency, the highest current, a taken number refused.
enum OverrideChecks {
    typealias F = StoreFixtures

    static func revisions(_ harness: FlowStoreHarness) async throws {
        try await harness.withStore { store in
            let agency = F.uniqueID("agency"), other = F.uniqueID("agency")
            #expect(try await store.currentOverrides(agencyID: agency) == nil)
            #expect(try await store.overrideHistory(agencyID: agency).isEmpty)
            let first = OverrideRevision(
                agencyID: agency, revision: 1, source: "agency: a\n", changedBy: "ops", changedAt: F.t0)
            let second = OverrideRevision(
                agencyID: agency, revision: 2, source: "agency: a\nname: A\n", changedBy: "alice",
                changedAt: F.t0 + .minutes(1))
            try await store.saveOverrides(first)
            try await store.saveOverrides(second)
            try await store.saveOverrides(OverrideRevision(
                agencyID: other, revision: 1, source: "agency: b\n", changedBy: "bob", changedAt: F.t0))
            #expect(try await store.currentOverrides(agencyID: agency) == second)
            #expect(try await store.overrideHistory(agencyID: agency) == [second, first])
            #expect(try await store.overrideHistory(agencyID: other).map(\.changedBy) == ["bob"])
            // Two changes cannot both become revision 2.
            var racing = second
            racing.changedBy = "mallory"
            await #expect(throws: StoreError.self) { try await store.saveOverrides(racing) }
            #expect(try await store.currentOverrides(agencyID: agency)?.changedBy == "alice")
            // Hostile strings are bound, not spliced.
            let hostile = "x'); DROP TABLE agency_overrides; --"
            let odd = OverrideRevision(agencyID: hostile, revision: 1, source: hostile, changedBy: hostile, changedAt: F.t0)
            try await store.saveOverrides(odd)
            #expect(try await store.currentOverrides(agencyID: hostile) == odd)
            #expect(try await store.currentOverrides(agencyID: agency) == second)

            // Reads at once (a store that groups them reads them together): each its own agency's.
            let none = F.uniqueID("agency")
            let asked = (0..<24).map { [agency, other, hostile, none][$0 % 4] }
            let answers = try await withThrowingTaskGroup(of: (Int, OverrideRevision?).self) { group in
                for (index, id) in asked.enumerated() {
                    group.addTask { (index, try await store.currentOverrides(agencyID: id)) }
                }
                return try await group.reduce(into: [Int: OverrideRevision?]()) { $0[$1.0] = $1.1 }
            }
            #expect(answers.count == asked.count)
            let changedBy: [String: String?] = [agency: "alice", other: "bob", hostile: hostile, none: nil]
            for (index, id) in asked.enumerated() {
                #expect(answers[index]??.changedBy == changedBy[id] ?? "?", "\(id)")
            }
        }
    }
}
