import FlowEngine
import FlowRuntime
import Foundation
import Testing
import Travel

/// `flowctl overrides show|set|history` over a SQLite file: the same checks and records as the API.
@Suite("flowctl overrides")
struct OverridesCommandTests {
    @Test("set stores a revision the next start uses; an invalid file exits 65 with file:line:col and changes nothing")
    func setShowHistory() async throws {
        let fixture = try await OverrideRoutesTests.fixture()
        let directory = (fixture.workflows as NSString).deletingLastPathComponent
        let good = directory + "/acme.yaml", bad = directory + "/acme-bad.yaml"
        try OverrideRoutesTests.twoHours.write(toFile: good, atomically: true, encoding: .utf8)
        try OverrideRoutesTests.twoHours.replacingOccurrences(of: "2h", with: "9d")
            .write(toFile: bad, atomically: true, encoding: .utf8)
        let common = ["--workflows", fixture.workflows, "--database", "sqlite://" + fixture.path]

        let set = try await StartAgencyTests.flowctl(["overrides", "set", "acme", good, "--by", "ana"] + common)
        #expect(set.status == 0, "\(set.output)")
        #expect(set.output.contains("revision 1 stored"), "\(set.output)")

        let invalid = try await StartAgencyTests.flowctl(["overrides", "set", "acme", bad, "--by", "ana"] + common)
        #expect(invalid.status == 65, "\(invalid.output)")
        #expect(invalid.output.contains("\(bad):5:14"), "\(invalid.output)")
        #expect(invalid.output.contains("O405"), "\(invalid.output)")

        let stale = try await StartAgencyTests.flowctl(
            ["overrides", "set", "acme", bad, "--by", "ana", "--if-revision", "0"] + common)
        #expect(stale.status != 0)

        let show = try await StartAgencyTests.flowctl(["overrides", "show", "acme", "--format", "json"] + common)
        #expect(show.status == 0, "\(show.output)")
        let json = try JSONDecoder().decode(Value.self, from: Data(show.output.utf8))
        #expect(json["revision"] == 1 && json["changed_by"] == "ana" && json["origin"] == "stored")

        let history = try await StartAgencyTests.flowctl(["overrides", "history", "acme"] + common)
        #expect(history.status == 0)
        #expect(history.output.contains("by ana") && history.output.contains("tuned.pause: default → \"2h\""),
                "\(history.output)")

        // The next instance a daemon starts on this database waits the stored two hours.
        try await fixture.app().test(.router) { client in
            let (_, body) = try await APIFixture.start(client, token: fixture.acme, body: ["flow": "tuned", "input": [:]])
            #expect(body["settings"]?["pause"] != nil)
            let created = body["created_at"]?.stringValue.flatMap(Instant.init(iso8601:))
            let until = body["waiting_for"]?.arrayValue?.first?["until"]?.stringValue.flatMap(Instant.init(iso8601:))
            let waits = try #require(until.flatMap { u in created.map { OverrideRoutesTests.seconds(u, $0) } })
            #expect(waits > 7_100 && waits < 7_300, "waits \(waits) s")
        }
    }
}
