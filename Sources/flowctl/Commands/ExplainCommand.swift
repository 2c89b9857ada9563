import ArgumentParser
import FlowEngine
import FlowRuntime
import Foundation
import Travel

/// `flowctl explain INSTANCE --message TYPE` (a stored instance) or `flowctl explain --flow F
/// --input I [--fixtures X] --message TYPE` (a dry-run): was TYPE sent, when, or why not. A thin
/// shell over `MessageExplanation`.
struct ExplainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Explain why a message type was (or was not) sent, from a stored instance or a dry-run.",
        discussion: """
            With INSTANCE, reads the instance's timeline from the store (--database); with --flow and \
            --input, dry-runs the flow first (the dry-run's options) and explains that run. Exit codes: \
            0 explained (sent or not), 1 runtime failure, 64 usage or bad input file, 65 invalid flow.
            """
    )

    enum OutputFormat: String, ExpressibleByArgument {
        case text, json
    }

    @Argument(help: "Instance id (omit it to explain a dry-run of --flow).")
    var instance: String?

    @Option(help: "The message type, e.g. REMINDER_24H, DELAYED.")
    var message: String

    @Option(help: "Database URL (default: FLOW_DATABASE_URL, else ./flow.sqlite).")
    var database: String?

    @Option(help: "Dry-run this flow document instead of reading an instance.")
    var flow: String?

    @Option(help: "Dry-run: the flow's input object (JSON or YAML).")
    var input: String?

    @Option(help: "Dry-run: provider answers, approvals and events (YAML or JSON).")
    var fixtures: String?

    @Option(help: "Dry-run: apply this agency's overrides.")
    var agency: String?

    @Option(help: "Dry-run: directory of agency override documents (default: agencies/ beside the flow file).")
    var overrides: String?

    @Option(help: "Dry-run: virtual start instant, ISO-8601 (default: now).")
    var start: String?

    @Option(help: "Dry-run: virtual horizon, ISO-8601.")
    var until: String?

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    func validate() throws {
        switch (instance, flow) {
        case (nil, nil): throw ValidationError("give an instance id, or --flow and --input for a dry-run")
        case (.some, .some): throw ValidationError("give an instance id or --flow, not both")
        case (nil, .some): if input == nil { throw ValidationError("--flow needs --input") }
        case (.some, nil): break
        }
        guard !message.isEmpty else { throw ValidationError("--message needs a message type") }
    }

    func run() async throws {
        let explanation: MessageExplanation
        if let instance { explanation = try await stored(instance) } else { explanation = try await dryRun() }
        print(format == .json ? explanation.json.jsonText : explanation.text)
    }

    private func stored(_ id: String) async throws -> MessageExplanation {
        let storeConfiguration = try DaemonSetup.storeConfiguration(database)
        let type = message
        let explanation: MessageExplanation?
        do {
            explanation = try await storeConfiguration.withStore(migrate: false) {
                try await MessageExplanation.load(id: id, type: type, from: $0.flowStore)
            }
        } catch {
            FileHandle.standardError.write(Data("flowctl explain: \(storeConfiguration): \(error)\n".utf8))
            throw ExitCodes.runtimeFailure
        }
        guard let explanation else {
            FileHandle.standardError.write(Data("flowctl explain: no instance '\(id)'\n".utf8))
            throw ExitCodes.usage
        }
        return explanation
    }

    private func dryRun() async throws -> MessageExplanation {
        let invocation = DryRunInvocation(
            flowPath: flow ?? "", inputPath: input ?? "", agency: agency, overridesPath: overrides,
            fixturesPath: fixtures, start: start, until: until, format: .json, product: TravelProduct())
        let now = Instant(epochMilliseconds: Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)))
        let outcome = await invocation.run(now: now)
        if !outcome.standardError.isEmpty { DiagnosticOutput.standardError(outcome.standardError) }
        guard outcome.exitCode == 0, let report = outcome.report, let ran = outcome.flow else {
            throw ExitCode(outcome.exitCode == 0 ? 1 : outcome.exitCode)
        }
        return MessageExplanation(type: message, flow: ran, report: report)
    }
}
