import FlowBenchCases
import FlowEngine
import FlowRuntime
import Travel
#if canImport(FoundationEssentials)
import FoundationEssentials
#endif
import Foundation

/// Dry-runs of the three-day flight flow (`workflows/flight-notifications.yaml` in the current
/// directory): BA245 London → New York created 2026-07-06 10:00Z, departing 2026-07-08 21:05Z, a
/// delay that grows three times (23:05, 00:05, 02:05), departure, landing at 04:05 New York:
/// 28 AeroAPI lookups, 7 messages. The timed part is `DryRun.run()` alone — virtual clock,
/// real interpreter, real executor and step code (request building, response parsing),
/// in-memory store, fixture transport; loading and validating the flow happen once before.
/// Then interpreter transitions per second: the same instance replayed through the pure
/// `Interpreter.apply` (the step outcomes the dry-run recorded, timers fired in order), one core.
enum DryRunBenchmark {
    static let input: Value = ["trip": [
        "id": "trip-1", "agency_id": "acme", "client_name": "Ana", "whatsapp": "+447700900123", "flight_number": "BA245",
        "origin": "LHR", "destination": "JFK", "departure": .instant(.at("2026-07-08T21:05:00Z")),
    ]]
    static let start = Instant.at("2026-07-06T10:00:00Z")

    /// Timed dry-runs and interpreter replays: `FLOW_BENCH_RUNS` (default 200). Instruction
    /// counts per dry-run come from two callgrind runs with different counts (their difference
    /// over the difference in runs), which leaves out loading and the warm-up.
    static let runs = ProcessInfo.processInfo.environment["FLOW_BENCH_RUNS"].flatMap { Int($0) }
        .map { max($0, 1) } ?? 200

    /// An AeroAPI flight object, fields as in `contracts/aeroapi-flights.openapi.json`.
    static func flight(
        estimatedOut: String, gate: String?, status: String, actualOut: String? = nil, actualOn: String? = nil,
        progress: Double = 0
    ) -> Value {
        func time(_ text: String?) -> Value { text.map(Value.string) ?? .null }
        return [
            "ident": "BAW245", "ident_iata": "BA245", "fa_flight_id": "BA245-1783400000-schedule-0001",
            "status": .string(status), "cancelled": false, "diverted": false, "progress_percent": .number(progress),
            "origin": ["code": "EGLL", "code_icao": "EGLL", "code_iata": "LHR", "timezone": "Europe/London",
                       "name": "London Heathrow", "city": "London"],
            "destination": ["code": "KJFK", "code_icao": "KJFK", "code_iata": "JFK", "timezone": "America/New_York",
                            "name": "John F Kennedy Intl", "city": "New York"],
            "scheduled_out": "2026-07-08T21:05:00Z", "estimated_out": .string(estimatedOut), "actual_out": time(actualOut),
            "scheduled_off": .null, "estimated_off": .null, "actual_off": .null,
            "scheduled_on": "2026-07-09T05:05:00Z", "estimated_on": .null, "actual_on": time(actualOn),
            "scheduled_in": .null, "estimated_in": .null, "actual_in": .null,
            "gate_origin": gate.map(Value.string) ?? .null, "gate_destination": .null,
            "terminal_origin": "5", "terminal_destination": .null,
        ]
    }

    static func answer(_ from: String, _ flight: Value) -> DryRunFixtures.Answer {
        .init(from: .at(from), status: 200, body: ["flights": [flight], "links": .null, "num_pages": 1])
    }

    static let fixtures = DryRunFixtures(aeroapi: [
        answer("2026-07-06T00:00:00Z", flight(estimatedOut: "2026-07-08T21:05:00Z", gate: nil, status: "Scheduled")),
        answer("2026-07-08T17:30:00Z", flight(estimatedOut: "2026-07-08T23:05:00Z", gate: "B32", status: "Scheduled / Delayed")),
        answer("2026-07-08T20:00:00Z", flight(estimatedOut: "2026-07-09T00:05:00Z", gate: "B32", status: "Scheduled / Delayed")),
        answer("2026-07-08T22:20:00Z", flight(estimatedOut: "2026-07-09T02:05:00Z", gate: "B32", status: "Scheduled / Delayed")),
        answer("2026-07-09T02:10:00Z", flight(estimatedOut: "2026-07-09T02:05:00Z", gate: "B32", status: "En Route / Delayed",
                                              actualOut: "2026-07-09T02:08:00Z")),
        answer("2026-07-09T08:00:00Z", flight(estimatedOut: "2026-07-09T02:05:00Z", gate: "B32", status: "Arrived / Gate Arrival",
                                              actualOut: "2026-07-09T02:08:00Z", actualOn: "2026-07-09T07:58:00Z", progress: 100)),
    ])

    static func run() async throws {
        let path = "workflows/flight-notifications.yaml"
        let directory = WorkflowDirectory.load(path: "workflows", catalogue: .standard)
        guard let loaded = directory.flows["flight-notifications"], !directory.diagnostics.hasErrors else {
            print("dry-run benchmark: needs a valid \(path) in the current directory (run from the repository root)")
            exit(1)
        }
        let flow = loaded.flow
        let settings = try directory.effectiveSettings(flow: flow.name.value, agency: nil)
        let dryRun = DryRun(flow: flow, input: input, settings: .object(settings), agency: nil, fixtures: fixtures,
                            start: start, product: TravelProduct())
        var report = try await dryRun.run()  // warm-up
        var samples: [Double] = []
        let clock = ContinuousClock()
        for _ in 0..<runs {
            let started = clock.now
            let next = try await dryRun.run()
            samples.append(milliseconds(clock.now - started))
            report = next  // the previous report is freed here, outside the timed part
        }
        samples.sort()
        let mean = samples.reduce(0, +) / Double(runs)
        print("dry-run of \(flow.name.value) (\(start) → \(report.end), \(report.calls["aeroapi"] ?? 0) AeroAPI lookups, "
              + "\(report.messages.count) messages, \(report.history.count) timeline entries, \(report.status))")
        print(String(format: "  %d runs: mean %.3f ms, median %.3f ms, p90 %.3f ms per dry-run", runs, mean,
                     samples[runs / 2], samples[runs * 9 / 10]))
        try transitions(flow: flow, settings: .object(settings), recorded: report.history)
    }

    /// Start + every step outcome and timer of the recorded instance through `Interpreter.apply`
    /// alone, repeated; one core. Fails when the replay leaves the recorded path.
    static func transitions(flow: Flow, settings: Value, recorded history: [HistoryEntry]) throws {
        let replay = InstanceReplay(flow: flow)
        let answers = RecordedAnswers(history)
        var count = 0
        var finalStatus = ""
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            for _ in 0..<runs {
                let outcome = replay.run(instanceID: "dry-run", input: input, settings: settings, start: start,
                                         answer: { call, _ in answers.answer(call) })
                count += outcome.transitions
                finalStatus = outcome.final.status.rawValue
            }
        }
        guard finalStatus == "succeeded" else {
            print("interpreter replay left the recorded path (status \(finalStatus)); no figure")
            exit(1)
        }
        let seconds = milliseconds(elapsed) / 1000
        print("interpreter: \(count) transitions in \(String(format: "%.3f", seconds)) s = "
              + "\(Int(Double(count) / seconds)) transitions/s "
              + "(one core, pure Interpreter.apply, \(count / runs) per instance)")
    }

    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }
}

private extension Instant {
    static func at(_ text: String) -> Instant { Instant(iso8601: text)! }
}
