import FlowEngine
import FlowRuntime
#if canImport(FoundationEssentials)
import FoundationEssentials
#endif
import Foundation

/// Dry-runs of the three-day flight flow (`workflows/flight-notifications.yaml` in the current
/// directory; ~28 AeroAPI polls, 3 messages): mean and median ms per dry-run, and interpreter
/// transitions per second replaying the dry-run's timer events through `Interpreter.apply`.
enum DryRunBenchmark {
    static let input: Value = ["trip": [
        "id": "trip-1", "agency_id": "acme", "client_name": "Ana", "whatsapp": "+447700900123", "flight_number": "BA245",
        "origin": "LHR", "destination": "EZE", "departure": .instant(Instant(iso8601: "2026-07-08T21:30:00Z")!),
    ]]

    static func flight(estimatedOut: String, gate: String) -> Value {
        ["ident": "BA245", "ident_iata": "BA245", "fa_flight_id": "BA245-1", "scheduled_out": "2026-07-08T21:30:00Z",
         "estimated_out": .string(estimatedOut), "gate_origin": .string(gate), "status": "Scheduled",
         "cancelled": false, "diverted": false]
    }

    static func run() async throws {
        let path = "workflows/flight-notifications.yaml"
        let directory = WorkflowDirectory.load(path: "workflows", catalogue: .standard)
        guard let loaded = directory.flows["flight-notifications"], !directory.diagnostics.hasErrors else {
            print("dry-run benchmark: needs a valid \(path) in the current directory (run from the repository root)")
            exit(1)
        }
        let flow = loaded.flow
        let settings = try directory.effectiveSettings(flow: flow.name.value, agency: nil)
        let fixtures = DryRunFixtures(aeroapi: [
            .init(from: Instant(iso8601: "2026-07-06T00:00:00Z"), status: 200,
                  body: ["flights": [flight(estimatedOut: "2026-07-08T21:30:00Z", gate: "B7")], "links": nil, "num_pages": 1]),
            .init(from: Instant(iso8601: "2026-07-08T18:00:00Z"), status: 200,
                  body: ["flights": [flight(estimatedOut: "2026-07-08T22:30:00Z", gate: "B9")], "links": nil, "num_pages": 1]),
        ])
        let dryRun = DryRun(flow: flow, input: input, settings: .object(settings), agency: nil, fixtures: fixtures,
                            start: Instant(iso8601: "2026-07-06T10:00:00Z")!)
        var report = try await dryRun.run()  // warm-up
        let runs = 200
        var samples: [Double] = []
        let clock = ContinuousClock()
        for _ in 0..<runs {
            let started = clock.now
            report = try await dryRun.run()
            samples.append(milliseconds(clock.now - started))
        }
        samples.sort()
        let mean = samples.reduce(0, +) / Double(runs)
        print("dry-run of \(flow.name.value) (3 days, \(report.calls["aeroapi"] ?? 0) AeroAPI polls, "
              + "\(report.messages.count) messages, \(report.history.count) timeline entries, \(report.status))")
        print(String(format: "  %d runs: mean %.3f ms, median %.3f ms, p90 %.3f ms per dry-run", runs, mean,
                     samples[runs / 2], samples[runs * 9 / 10]))
        try await transitions(flow: flow, settings: .object(settings))
    }

    /// Start + every timer firing until the instance ends, through the pure interpreter only
    /// (step calls answered with canned outcomes), repeated; one core.
    static func transitions(flow: Flow, settings: Value) async throws {
        let interpreter = Interpreter(flow: flow)
        let start = Instant(iso8601: "2026-07-06T10:00:00Z")!
        let sent: Value = ["status": "sent", "sid": "SM1"]
        let flights: Value = ["flights": [flight(estimatedOut: "2026-07-08T21:30:00Z", gate: "B7")], "links": nil, "num_pages": 1]
        var count = 0
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            for _ in 0..<200 {
                var transition = interpreter.start(instanceID: "bench", input: input, settings: settings, agency: nil, at: start)
                count += 1
                var now = start
                for _ in 0..<10_000 {
                    let calls = transition.actions.compactMap { action -> StepInvocation? in
                        if case .callStep(let invocation) = action { return invocation }
                        return nil
                    }
                    if let call = calls.first {
                        let output: Value = call.step == "aeroapi.flight" ? flights : call.step == "flight.diff" ? [:] : sent
                        transition = interpreter.apply(.stepSucceeded(callID: call.callID, output: output),
                                                       to: transition.state, at: now)
                    } else if !transition.state.status.isFinished,
                              let timer = transition.state.timers.min(by: { $0.value < $1.value }) {
                        now = max(now, timer.value)
                        transition = interpreter.apply(.timerFired(id: timer.key), to: transition.state, at: now)
                    } else {
                        break
                    }
                    count += 1
                }
            }
        }
        let seconds = milliseconds(elapsed) / 1000
        print("interpreter: \(count) transitions in \(String(format: "%.3f", seconds)) s = "
              + "\(Int(Double(count) / seconds)) transitions/s (one core, pure Interpreter.apply)")
    }

    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }
}
