#if canImport(FoundationEssentials)
import FoundationEssentials
#endif
import Foundation
import FlowBenchCases
import FlowEngine

/// The interpreter alone on the three-day flight of `flow-bench dry-run` (run from the repository
/// root: it loads `workflows/flight-notifications.yaml`), with the step answers made here
/// instead of by the runtime: `aeroapi.flight` answers a snapshot chosen by the virtual time (the
/// same six phases as the dry-run's fixtures), `flight.diff` is the pure `FlightDiff`, messages and
/// alerts succeed. For iterating on FlowEngine in release without building the runtime; the
/// figures the project reports are `flow-bench dry-run`'s. `FLOW_BENCH_RUNS` sets the instances
/// replayed (default 200).
enum ReplayBenchmark {
    static let input: Value = ["trip": [
        "id": "trip-1", "agency_id": "acme", "client_name": "Ana", "whatsapp": "+447700900123",
        "flight_number": "BA245", "origin": "LHR", "destination": "JFK",
        "departure": .instant(.at("2026-07-08T21:05:00Z")),
    ]]
    static let start = Instant.at("2026-07-06T10:00:00Z")

    /// A snapshot as `aeroapi.flight` returns it (the fields the flow and `flight.diff` read).
    static func snapshot(
        estimatedOut: String, gate: String?, status: String, actualOut: String? = nil, actualOn: String? = nil,
        progress: Double = 0
    ) -> Value {
        func time(_ text: String?) -> Value { text.map { .instant(.at($0)) } ?? .null }
        return [
            "fa_flight_id": "BA245-1783400000-schedule-0001", "ident": "BAW245", "ident_iata": "BA245",
            "status": .string(status),
            "status_parts": .array(status.split(separator: "/").map {
                .string(String($0).trimmingCharacters(in: .whitespaces))
            }),
            "cancelled": false, "diverted": false, "progress_percent": .number(progress),
            "scheduled_out": time("2026-07-08T21:05:00Z"), "estimated_out": time(estimatedOut),
            "actual_out": time(actualOut),
            "scheduled_on": time("2026-07-09T05:05:00Z"), "estimated_on": .null, "actual_on": time(actualOn),
            "actual_off": .null, "actual_in": .null, "gate_origin": gate.map(Value.string) ?? .null,
            "diversion_airport": .null,
        ]
    }

    static let phases: [(from: Instant, snapshot: Value)] = [
        (.at("2026-07-06T00:00:00Z"), snapshot(estimatedOut: "2026-07-08T21:05:00Z", gate: nil, status: "Scheduled")),
        (.at("2026-07-08T17:30:00Z"), snapshot(estimatedOut: "2026-07-08T23:05:00Z", gate: "B32",
                                               status: "Scheduled / Delayed")),
        (.at("2026-07-08T20:00:00Z"), snapshot(estimatedOut: "2026-07-09T00:05:00Z", gate: "B32",
                                               status: "Scheduled / Delayed")),
        (.at("2026-07-08T22:20:00Z"), snapshot(estimatedOut: "2026-07-09T02:05:00Z", gate: "B32",
                                               status: "Scheduled / Delayed")),
        (.at("2026-07-09T02:10:00Z"), snapshot(estimatedOut: "2026-07-09T02:05:00Z", gate: "B32",
                                               status: "En Route / Delayed", actualOut: "2026-07-09T02:08:00Z")),
        (.at("2026-07-09T08:00:00Z"), snapshot(estimatedOut: "2026-07-09T02:05:00Z", gate: "B32",
                                               status: "Arrived / Gate Arrival", actualOut: "2026-07-09T02:08:00Z",
                                               actualOn: "2026-07-09T07:58:00Z", progress: 100)),
    ]

    static func output(of call: StepInvocation, at now: Instant) -> Value {
        let arguments = call.arguments
        switch call.step {
        case "aeroapi.flight":
            return phases.last { $0.from <= now }?.snapshot ?? .null
        case "flight.diff":
            let previous = arguments["previous"].flatMap { $0.isNull ? nil : $0 }
            let threshold = arguments["delay_threshold"]?.durationValue ?? FlightDiff.defaultThreshold
            return FlightDiff.evaluate(previous: previous, current: arguments["current"] ?? .null, threshold: threshold)
        case "notify.send":
            return ["status": "sent", "type": arguments["type"] ?? .null, "key": arguments["key"] ?? .null,
                    "to": arguments["to"] ?? .null, "sid": "SM0001"]
        default:
            return ["code": arguments["code"] ?? .null, "message": arguments["message"] ?? .null]
        }
    }

    static func run() throws {
        let directory = WorkflowDirectory.load(path: "workflows", catalogue: .standard)
        guard let loaded = directory.flows["flight-notifications"], !directory.diagnostics.hasErrors else {
            print("replay: needs a valid workflows/flight-notifications.yaml (run from the repository root)")
            exit(1)
        }
        let settings = Value.object(try directory.effectiveSettings(flow: loaded.flow.name.value, agency: nil))
        let replay = InstanceReplay(flow: loaded.flow)
        let runs = ProcessInfo.processInfo.environment["FLOW_BENCH_RUNS"].flatMap { Int($0) }.map { max($0, 1) } ?? 200
        var count = 0
        var calls = 0
        var final: InstanceState?
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            for _ in 0..<runs {
                let outcome = replay.run(instanceID: "dry-run", input: input, settings: settings, start: start,
                                         answer: { call, now in .succeeded(output(of: call, at: now)) })
                count += outcome.transitions
                calls += outcome.calls
                final = outcome.final
            }
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print("replay: \(runs) instances, \(count / runs) transitions and \(calls / runs) step calls each, "
              + "final \(final?.status.rawValue ?? "?") \(final?.output?.jsonText ?? "")")
        print("  \(count) transitions in \(String(format: "%.3f", seconds)) s = "
              + "\(Int(Double(count) / seconds)) transitions/s")
    }
}

private extension Instant {
    static func at(_ text: String) -> Instant { Instant(iso8601: text)! }
}
