// flow-bench: prints the numbers the project promises. Run in release:
//   swift run -c release --scratch-path <path> flow-bench <case>
// Add a case by adding an entry to `cases` (dry-run, expressions, store, …).

#if canImport(FoundationEssentials)
import FoundationEssentials
#endif
import Foundation

let cases: [(name: String, summary: String, run: () throws -> Void)] = [
    ("validate", "load + validate 1,000 generated flow documents of ~200 lines", ValidateBenchmark.run),
]

let arguments = CommandLine.arguments.dropFirst()
guard let name = arguments.first, let selected = cases.first(where: { $0.name == name }) else {
    print("usage: flow-bench <case>\n")
    for c in cases { print("  \(c.name.padding(toLength: 12, withPad: " ", startingAt: 0)) \(c.summary)") }
    exit(64)
}
do {
    try selected.run()
} catch {
    print("flow-bench \(name): \(error)")
    exit(1)
}
