import FlowEngine
import FlowRuntime
import Travel
import Foundation

/// The shipped `workflows/` directory, loaded once per scenario, and a builder for AeroAPI flight objects.
enum FlightScenario {
    static let workflows: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("workflows").path
    }()

    static let examples: String = URL(fileURLWithPath: workflows).deletingLastPathComponent()
        .appendingPathComponent("examples").path

    /// Dry-runs the shipped flight-notifications flow with the agency's effective settings,
    /// then `settings` on top (as an override would set them).
    static func run(
        trip: Value = trip, agency: String? = nil, settings overrides: [String: Value] = [:], fixtures: DryRunFixtures,
        start: Instant = .at("2026-07-06T10:00:00Z"), directory: WorkflowDirectory? = nil
    ) async throws -> DryRunReport {
        let directory = directory ?? WorkflowDirectory.load(path: workflows, catalogue: .standard)
        let flow = try directory.effectiveFlow("flight-notifications", agency: agency)
        var settings = try directory.effectiveSettings(flow: "flight-notifications", agency: agency)
        settings.merge(overrides) { _, new in new }
        return try await DryRun(flow: flow, input: ["trip": trip], settings: .object(settings), agency: agency,
                                fixtures: fixtures, start: start, product: TravelProduct()).run()
    }

    /// The shipped flow with these agency documents (`agencies/<name>.yaml` text) instead of the shipped ones,
    /// validated as `flowctl validate` would: its `diagnostics` hold any override error.
    static func directory(agencies: [String: String]) throws -> WorkflowDirectory {
        let path = workflows + "/flight-notifications.yaml"
        let flow = SourceFile(path: path, text: try String(contentsOfFile: path, encoding: .utf8))
        return WorkflowDirectory.load(
            flows: [flow],
            agencies: agencies.sorted { $0.key < $1.key }.map { SourceFile(path: "agencies/\($0.key).yaml", text: $0.value) },
            catalogue: .standard, parallel: false)
    }

    /// An agency document overriding flight-notifications settings (`key: value` YAML lines).
    static func agency(_ name: String, _ settings: String...) -> String {
        "agency: \(name)\nflows:\n  flight-notifications:\n    settings:\n"
            + settings.map { "      \($0)\n" }.joined()
    }

    /// LHR → JFK, BA245, scheduled 2026-07-08 22:05 London (21:05Z), arriving 01:05 New York (05:05Z).
    static let trip: Value = [
        "id": "trip-1", "agency_id": "acme", "client_name": "Ana", "whatsapp": "+447700900123",
        "flight_number": "BA245", "origin": "LHR", "destination": "JFK", "departure": .instant(.at("2026-07-08T21:05:00Z")),
    ]

    static func trip(departure: String, _ extra: [String: Value] = [:]) -> Value {
        var object = trip.objectValue!
        object["departure"] = .instant(.at(departure))
        for (key, value) in extra { object[key] = value }
        return .object(object)
    }

    /// An AeroAPI flight object (fields as in `contracts/aeroapi-flights.openapi.json`).
    static func flight(
        id: String = "BA245-1783400000-schedule-0001", scheduledOut: String = "2026-07-08T21:05:00Z",
        estimatedOut: String? = "2026-07-08T21:05:00Z", gate: String? = nil, actualOut: String? = nil,
        scheduledOn: String = "2026-07-09T05:05:00Z", estimatedOn: String? = "2026-07-09T05:05:00Z", actualOn: String? = nil, status: String = "Scheduled", cancelled: Bool = false,
        diverted: Bool = false, destination: String = "JFK", progress: Double = 0
    ) -> Value {
        func time(_ text: String?) -> Value { text.map(Value.string) ?? .null }
        let zones = ["JFK": "America/New_York", "BOS": "America/New_York", "LHR": "Europe/London",
                     "SIN": "Asia/Singapore"]
        return [
            "ident": "BAW245", "ident_iata": "BA245", "fa_flight_id": .string(id), "status": .string(status),
            "cancelled": .bool(cancelled), "diverted": .bool(diverted), "progress_percent": .number(progress),
            "origin": ["code": "EGLL", "code_icao": "EGLL", "code_iata": "LHR", "timezone": "Europe/London",
                       "name": "London Heathrow", "city": "London"],
            "destination": ["code": .string(destination), "code_iata": .string(destination),
                            "timezone": .string(zones[destination] ?? "UTC"), "name": .string(destination),
                            "city": .string(destination)],
            "scheduled_out": .string(scheduledOut), "estimated_out": time(estimatedOut), "actual_out": time(actualOut),
            "scheduled_off": .null, "estimated_off": .null, "actual_off": .null,
            "scheduled_on": .string(scheduledOn), "estimated_on": time(estimatedOn), "actual_on": time(actualOn),
            "scheduled_in": .null, "estimated_in": .null, "actual_in": .null,
            "gate_origin": gate.map(Value.string) ?? .null, "gate_destination": .null,
            "terminal_origin": "5", "terminal_destination": .null,
        ]
    }

    /// A timeline answer with these flights from `from` on.
    static func answer(_ from: String, _ flights: Value...) -> DryRunFixtures.Answer {
        .init(from: .at(from), status: 200, body: ["flights": .array(flights), "links": .null, "num_pages": 1])
    }

    static func error(_ from: String, status: Int) -> DryRunFixtures.Answer {
        .init(from: .at(from), status: status, body: ["title": "error", "reason": "error", "detail": "test", "status": .number(Double(status))])
    }
}

extension DryRunReport {
    func messages(_ type: String) -> [Value] { messages.filter { $0["type"] == .string(type) } }
    var types: [String] { messages.compactMap { $0["type"]?.stringValue } }
}
