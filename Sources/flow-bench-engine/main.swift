// flow-bench-engine: the flow-bench cases that need FlowEngine only, so they can be built and
// run in release without compiling the runtime's dependencies:
//   swift run -c release --scratch-path <path> flow-bench-engine validate

#if canImport(FoundationEssentials)
import FoundationEssentials
#endif
import Foundation
import FlowBenchCases
import FlowEngine

let cases: [(name: String, summary: String, run: () throws -> Void)] = [
    ("validate", "load + validate 1,000 generated flow documents of ~200 lines", ValidateBenchmark.run),
    ("replay", "the interpreter alone on the dry-run's three-day flight (step answers made here)", ReplayBenchmark.run),
]

let arguments = CommandLine.arguments.dropFirst()
guard let name = arguments.first, let selected = cases.first(where: { $0.name == name }) else {
    print("usage: flow-bench-engine <case>\n")
    for c in cases { print("  \(c.name.padding(toLength: 12, withPad: " ", startingAt: 0)) \(c.summary)") }
    exit(64)
}
do {
    try selected.run()
} catch {
    print("flow-bench-engine \(name): \(error)")
    exit(1)
}
