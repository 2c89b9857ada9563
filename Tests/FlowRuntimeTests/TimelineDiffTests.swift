import Foundation
import FlowEngine
import FlowRuntime
import Testing

/// The timeline diff on hand-made timelines: each kind of difference alone, and none.
@Suite("Timeline diff")
struct TimelineDiffTests {
    static let t0 = Instant(iso8601: "2026-07-06T10:00:00Z")!

    static func message(_ type: String, key: String? = nil, at minutes: Int64, variables: Value = ["1": "Ana"],
                        template: String = "tpl") -> HistoryEntry {
        HistoryEntry(at: t0 + .minutes(minutes), TimelineEntry(.messageSent, [
            "type": .string(type), "key": .string(key ?? type), "to": "+5491155550000", "template": .string(template),
            "variables": variables, "status": "sent", "sid": "SM1",
            "local_time": .string("2026-07-06T\(String(format: "%02d", 7 + minutes / 60)):\(String(format: "%02d", minutes % 60)):00-03:00"),
            "deferred_from": .null,
        ]))
    }

    static func entered(_ state: String, at minutes: Int64 = 0) -> HistoryEntry {
        HistoryEntry(at: t0 + .minutes(minutes), TimelineEntry(.stateEntered, ["state": .string(state)]))
    }

    static func diff(_ recorded: [HistoryEntry], _ replayed: [HistoryEntry]) -> TimelineDiff {
        TimelineDiff(recorded: recorded, recordedStatus: "waiting", replayed: replayed, replayedStatus: "waiting")
    }

    @Test("the same timeline, and one whose message is late by less than the tolerance: no difference")
    func same() {
        let recorded = [Self.entered("a"), Self.message("CONFIRMATION", at: 0)]
        #expect(!Self.diff(recorded, recorded).differs)
        let late = [Self.entered("a"), HistoryEntry(at: Self.t0 + .seconds(40), Self.message("CONFIRMATION", at: 0).entry)]
        #expect(!Self.diff(recorded, late).differs)
    }

    @Test("moved: same type and key, instants more than a minute apart; both local times shown")
    func moved() {
        let diff = Self.diff([Self.message("REMINDER_24H", at: 0)], [Self.message("REMINDER_24H", at: 120)])
        #expect(diff.moved.count == 1 && diff.added.isEmpty && diff.removed.isEmpty && diff.changed.isEmpty)
        #expect(diff.moved.first?.replayed.at == Self.t0 + .hours(2))
        #expect(diff.differs)
        let line = ReplayReport.differenceLines(diff).first ?? ""
        #expect(line.contains("moved    REMINDER_24H: 2026-07-06T10:00:00Z (local 2026-07-06T07:00:00-03:00)"), "\(line)")
        #expect(line.contains("→ 2026-07-06T12:00:00Z (local 2026-07-06T09:00:00-03:00)"), "\(line)")
    }

    @Test("added and removed: a type in one timeline only")
    func addedRemoved() {
        let diff = Self.diff([Self.message("BOARDING", at: 5)], [Self.message("DELAYED", key: "k1", at: 5)])
        #expect(diff.added.map(\.type) == ["DELAYED"] && diff.removed.map(\.type) == ["BOARDING"])
        #expect(diff.moved.isEmpty && diff.changed.isEmpty)
    }

    @Test("changed: same type, other variables or key; moved as well when the instant differs")
    func changed() {
        let variables = Self.diff([Self.message("DELAYED", key: "a", at: 0, variables: ["3": "10:05"])],
                                  [Self.message("DELAYED", key: "a", at: 0, variables: ["3": "10:20"])])
        #expect(variables.changed.map(\.fields) == [["variables"]] && variables.moved.isEmpty)
        let key = Self.diff([Self.message("DELAYED", key: "a", at: 0)], [Self.message("DELAYED", key: "b", at: 30)])
        #expect(key.changed.map(\.fields) == [["key"]] && key.moved.count == 1)
        #expect(key.added.isEmpty && key.removed.isEmpty)
    }

    @Test("states reached in one timeline only, and another ending")
    func statesAndEnding() {
        let completed = HistoryEntry(at: Self.t0, TimelineEntry(.completed, ["status": "succeeded", "output": ["x": 1]]))
        let diff = TimelineDiff(
            recorded: [Self.entered("a"), Self.entered("b")], recordedStatus: "waiting",
            replayed: [Self.entered("a"), Self.entered("c"), Self.entered("c"), completed], replayedStatus: "succeeded")
        #expect(diff.statesOnlyRecorded == ["b"] && diff.statesOnlyReplayed == ["c"])
        #expect(diff.recorded.status == "waiting" && diff.replayed.status == "succeeded")
        #expect(diff.replayed.output == ["x": 1])
        #expect(diff.differs)
    }
}
