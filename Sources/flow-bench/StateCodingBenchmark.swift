import FlowBenchCases
import FlowEngine
import FlowRuntime
import Travel
#if canImport(FoundationEssentials)
import FoundationEssentials
#endif
import Foundation

/// CPU per durable transition, without PostgreSQL: every instance state the three-day flight
/// flow passes through (the dry-run case's instance replayed through `Interpreter.apply`) is
/// encoded to its stored JSON text and decoded back with `InstanceStateCoding`, as the worker
/// does once per claim (decode) and once per commit (encode). Prints µs per encode and decode and
/// the bytes of the stored text. `flow-bench state-coding worker` instead runs the worker case at
/// concurrency 1 only (300 instances, `FLOW_BENCH_POSTGRES_URL`): a short run for a profiler
/// (`valgrind --tool=callgrind`), instructions per commit = total ÷ the commits it prints.
enum StateCodingBenchmark {
    static func run() async throws {
        if CommandLine.arguments.dropFirst(2).first == "worker" {
            try await worker(postgresURL: ProcessInfo.processInfo.environment["FLOW_BENCH_POSTGRES_URL"])
            return
        }
        let states = try await flightStates()
        let texts = try states.map(InstanceStateCoding.encode)
        for (state, text) in zip(states, texts) where try InstanceStateCoding.decode(text) != state {
            print("state-coding: a state of '\(state.instanceID)' does not survive encode → decode; no figure")
            exit(1)
        }
        let rounds = 100
        let clock = ContinuousClock()
        var sink = 0
        let encoding = clock.measure {
            for _ in 0..<rounds {
                for state in states { sink &+= (try? InstanceStateCoding.encode(state))?.utf8.count ?? 0 }
            }
        }
        let decoding = clock.measure {
            for _ in 0..<rounds {
                for text in texts { sink &+= (try? InstanceStateCoding.decode(text))?.counter ?? 0 }
            }
        }
        // The earlier coding (`Codable` through Foundation's JSONEncoder/JSONDecoder), same states, for comparison.
        let codableTexts = try states.map { try JSONEncoder().encode($0) }
        let codableEncoding = clock.measure {
            for _ in 0..<rounds / 10 {
                for state in states { sink &+= (try? JSONEncoder().encode(state))?.count ?? 0 }
            }
        }
        let codableDecoding = clock.measure {
            for _ in 0..<rounds / 10 {
                for data in codableTexts { sink &+= (try? JSONDecoder().decode(InstanceState.self, from: data))?.counter ?? 0 }
            }
        }
        let count = Double(rounds * states.count)
        let bytes = texts.map(\.utf8.count)
        print("state-coding: \(states.count) states of flight-notifications (the dry-run instance), "
              + "stored text \(bytes.min() ?? 0)–\(bytes.max() ?? 0) bytes, mean \(bytes.reduce(0, +) / max(1, bytes.count))")
        print(String(format: "  encode %.1f µs, decode %.1f µs per state (mean of %d; checksum %d)",
                     micros(encoding) / count, micros(decoding) / count, Int(count), sink % 10))
        print(String(format: "  Codable via JSONEncoder/JSONDecoder (the coding before): encode %.1f µs, decode %.1f µs per state",
                     micros(codableEncoding) * 10 / count, micros(codableDecoding) * 10 / count))
    }

    /// Start plus every state after a step outcome or a timer, along the dry-run's recorded path.
    static func flightStates() async throws -> [InstanceState] {
        let directory = WorkflowDirectory.load(path: "workflows", catalogue: .standard)
        guard let flow = directory.flows["flight-notifications"]?.flow, !directory.diagnostics.hasErrors else {
            print("state-coding: needs a valid workflows/flight-notifications.yaml (run from the repository root)")
            exit(1)
        }
        let settings = Value.object(try directory.effectiveSettings(flow: flow.name.value, agency: nil))
        let dryRun = DryRun(flow: flow, input: DryRunBenchmark.input, settings: settings, agency: nil,
                            fixtures: DryRunBenchmark.fixtures, start: DryRunBenchmark.start, product: TravelProduct())
        let answers = RecordedAnswers(try await dryRun.run().history)
        var states: [InstanceState] = []
        _ = InstanceReplay(flow: flow).run(
            instanceID: "dry-run", input: DryRunBenchmark.input, settings: settings, start: DryRunBenchmark.start,
            answer: { call, _ in answers.answer(call) }, visit: { states.append($0) })
        return states
    }

    /// The worker case at concurrency 1 only, for a profiler.
    static func worker(postgresURL: String?) async throws {
        guard let settings = try WorkerBenchmark.settings(postgresURL) else { return }
        let registry = try WorkerBenchmark.registry("bench-steps", WorkerBenchmark.source)
        let line = try await PostgresFlowStore.withStore(settings.clientConfiguration(maximumConnections: 5)) { store in
            try await WorkerBenchmark.measure(ObservedStore(store), registry: registry, concurrency: 1)
        }
        print("state-coding worker: c=1: \(line.text)")
    }

    static func micros(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1e6 + Double(duration.components.attoseconds) / 1e12
    }
}
