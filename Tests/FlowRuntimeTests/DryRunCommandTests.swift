import FlowEngine
import FlowRuntime
import Travel
import Foundation
import Testing

/// A temporary directory holding `flow.yaml` (the repository's flight flow or a broken one),
/// `agencies/`, `input.json` and `fixtures.yaml`.
private func workspace(flow: String? = nil, input: String, fixtures: String = "aeroapi: []\n") throws -> String {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("dryrun-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: root + "/agencies", withIntermediateDirectories: true)
    let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("workflows")
    let flowText = try flow ?? String(contentsOf: repository.appendingPathComponent("flight-notifications.yaml"), encoding: .utf8)
    try flowText.write(toFile: root + "/flow.yaml", atomically: true, encoding: .utf8)
    if flow == nil {
        let acme = try String(contentsOf: repository.appendingPathComponent("agencies/acme.yaml"), encoding: .utf8)
        try acme.write(toFile: root + "/agencies/acme.yaml", atomically: true, encoding: .utf8)
    }
    try input.write(toFile: root + "/input.json", atomically: true, encoding: .utf8)
    try fixtures.write(toFile: root + "/fixtures.yaml", atomically: true, encoding: .utf8)
    return root
}

private let goodInput = """
    {"trip": {"id": "trip-1", "agency_id": "acme", "client_name": "Ana", "whatsapp": "+447700900123",
      "flight_number": "BA245", "origin": "LHR", "destination": "EZE", "departure": "2026-07-08T21:30:00Z"}}
    """

private func invoke(_ root: String, agency: String? = "acme", format: DryRunInvocation.Format = .json)
    async -> DryRunInvocation.Outcome
{
    await DryRunInvocation(flowPath: root + "/flow.yaml", inputPath: root + "/input.json", agency: agency,
                           fixturesPath: root + "/fixtures.yaml", start: "2026-07-06T10:00:00Z", format: format,
                           product: TravelProduct())
        .run(now: Instant(iso8601: "2026-01-01T00:00:00Z")!)
}

@Test func validRunExitsZeroWithTheContractObject() async throws {
    let outcome = await invoke(try workspace(input: goodInput))
    #expect(outcome.exitCode == 0, "\(outcome.standardError)")
    let report = try #require(outcome.report)
    #expect(report.status == "succeeded")
    #expect(report.version.hasPrefix("1+") && report.version.count == 9)
    let json = report.json
    for key in ["flow", "version", "agency", "start", "end", "status", "messages", "timeline", "calls", "alerts"] {
        #expect(json[key] != nil, "missing \(key)")
    }
    #expect(json["agency"] == "acme")
    #expect(json["messages"]?.arrayValue?.first?["type"] == "RESERVATION_CONFIRMATION")
    #expect((json["calls"]?["aeroapi"]?.intValue ?? 0) > 0)
    #expect(outcome.standardOutput.hasPrefix("{"))
}

@Test func invalidFlowExits65WithDiagnostics() async throws {
    let root = try workspace(flow: "flow: broken\nversion: 1\nstart: nowhere\nstates: {}\n", input: goodInput)
    let outcome = await invoke(root, agency: nil)
    #expect(outcome.exitCode == 65)
    #expect(outcome.standardError.contains("flow.yaml"))
}

@Test func badFixturesExit64WithPathAndLine() async throws {
    let root = try workspace(input: goodInput, fixtures: "aeroapi:\n  - from: tomorrow\n")
    let outcome = await invoke(root)
    #expect(outcome.exitCode == 64)
    #expect(outcome.standardError.contains("fixtures.yaml:2:"), "\(outcome.standardError)")
}

@Test(arguments: [
    ("{\"trip\": {\"id\": 1}", "input.json:2:1: not valid YAML or JSON"),  // unterminated: found at the end
    ("{\"trip\": {\"id\": \"t\"}}", "missing the required field"),
    ("{\"trip\": {\"id\": \"t\", \"agency_id\": \"a\", \"client_name\": \"A\", \"whatsapp\": \"+1\",\n"
        + " \"flight_number\": \"X1\", \"origin\": \"LHR\", \"destination\": \"EZE\", \"departure\": \"soon\"}}",
     "input.json:2:"),
    ("{\"trip\": {\"id\": \"t\", \"agency_id\": \"a\", \"client_name\": \"A\", \"whatsapp\": \"+1\",\n"
        + " \"flight_number\": \"X1\", \"origin\": \"LHR\", \"destination\": \"XQZ\", \"departure\": \"2026-07-08T21:05:00Z\"}}",
     "input.json:2:57: input.trip.destination: 'XQZ' is not a known IATA airport code"),
])
func badInputExits64WithPathAndLine(input: String, fragment: String) async throws {
    let outcome = await invoke(try workspace(input: input))
    #expect(outcome.exitCode == 64)
    #expect(outcome.standardError.contains(fragment), "\(outcome.standardError)")
}
