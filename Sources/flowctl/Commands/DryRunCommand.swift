import ArgumentParser
import FlowEngine
import FlowRuntime
#if canImport(FoundationEssentials)
import FoundationEssentials
#endif
import Foundation
import Travel

/// `flowctl dry-run FLOW.yaml --input INPUT.json …`: runs one instance on a virtual clock with
/// fixture answers instead of providers (`domain/dry-run.md`). A thin shell over `DryRunInvocation`.
struct DryRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dry-run",
        abstract: "Run a flow on a virtual clock with fixture answers; nothing leaves the machine.",
        discussion: """
            Exit codes: 0 the run reached its end or horizon (whatever the outcome), 1 runtime failure, \
            64 bad input/fixtures file or arguments (with path and line), 65 the flow or overrides do not validate.
            """
    )

    @Argument(help: "The flow document.")
    var flow: String

    @Option(help: "The flow's input object (JSON or YAML).")
    var input: String

    @Option(help: "Apply this agency's overrides.")
    var agency: String?

    @Option(help: "Directory of agency override documents (default: agencies/ beside the flow file).")
    var overrides: String?

    @Option(help: "Provider answers, approvals and events (YAML or JSON).")
    var fixtures: String?

    @Option(help: "Virtual start instant, ISO-8601 (default: now, truncated to the second).")
    var start: String?

    @Option(help: "Virtual horizon, ISO-8601 (default: until the instance ends, at most 30 days).")
    var until: String?

    @Option(help: "Output format: text or json.")
    var format: String = "text"

    func validate() throws {
        guard DryRunInvocation.Format(rawValue: format) != nil else {
            throw ValidationError("--format must be text or json, not '\(format)'")
        }
    }

    func run() async throws {
        let invocation = DryRunInvocation(
            flowPath: flow, inputPath: input, agency: agency, overridesPath: overrides, fixturesPath: fixtures,
            start: start, until: until, format: DryRunInvocation.Format(rawValue: format) ?? .text,
            product: TravelProduct())
        let now = Instant(epochMilliseconds: Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)))
        let outcome = await invocation.run(now: now)
        if !outcome.standardError.isEmpty { DiagnosticOutput.standardError(outcome.standardError) }
        if !outcome.standardOutput.isEmpty { print(outcome.standardOutput, terminator: "") }
        if outcome.exitCode != 0 { throw ExitCode(outcome.exitCode) }
    }
}
