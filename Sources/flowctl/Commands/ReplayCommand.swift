import ArgumentParser
import FlowEngine
import FlowRuntime
import Foundation
import Travel

/// `flowctl replay INSTANCE --flow NEW.yaml` and `flowctl replay --flow NEW.yaml --since 7d`:
/// recorded runs through another version of their flow, with the diff of the timelines
/// (`docs/replay.md`). A thin shell over `ReplayInvocation`.
struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay recorded instances through another version of their flow and diff the timelines.",
        discussion: """
            Exit codes: 0 no replayed run differs, 2 a run differs (or stopped where the recording has no answer), \
            1 runtime failure, 64 usage or no such instance, 65 the new version does not validate.
            """
    )

    @Argument(help: "The recorded instance's id (or --since for every instance of the flow in a window).")
    var instance: String?

    @Option(help: "The new version of the flow (a flow document).")
    var flow: String

    @Option(help: "Only this agency's instances (one instance: it must be this agency's).")
    var agency: String?

    @Option(help: "Batch form: instances created within this long (7d, 36h) or since this ISO-8601 instant.")
    var since: String?

    @Option(name: .customLong("flow-name"), help: "Batch form: the flow whose instances are replayed (the new file's).")
    var flowName: String?

    @Option(help: "One instance: replay until this ISO-8601 instant (default: the recording's reach).")
    var until: String?

    @Option(help: "Database URL (default: FLOW_DATABASE_URL, else ./flow.sqlite).")
    var database: String?

    @Option(help: "Output format: text or json.")
    var format: InstancesCommand.OutputFormat = .text

    func run() async throws {
        let invocation = ReplayInvocation(
            instance: instance, flowPath: flow, agency: agency, since: since, flowName: flowName, until: until,
            json: format == .json, store: try DaemonSetup.storeConfiguration(database), product: TravelProduct())
        let now = Instant(epochMilliseconds: Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)))
        let outcome = await invocation.run(now: now)
        if !outcome.standardError.isEmpty { DiagnosticOutput.standardError(outcome.standardError) }
        if !outcome.standardOutput.isEmpty { print(outcome.standardOutput, terminator: "") }
        if outcome.exitCode != 0 { throw ExitCode(outcome.exitCode) }
    }
}
