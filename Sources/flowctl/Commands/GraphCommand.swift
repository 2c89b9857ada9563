import ArgumentParser
import FlowEngine

#if canImport(FoundationEssentials)
import FoundationEssentials
#endif
import Foundation

/// `flowctl graph FLOW`: the state graph as Mermaid or Graphviz dot.
struct GraphCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graph",
        abstract: "Print a flow's state graph (waits, approvals, retries and error edges included)."
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case mermaid
        case dot
    }

    @Argument(help: "The flow document.")
    var flow: String

    @Option(help: "Apply this agency's overrides first.")
    var agency: String?

    @Option(help: "Directory of agency override documents (default: agencies/ beside the flow).")
    var overrides: String?

    @Option(help: "mermaid or dot.")
    var format: Format = .mermaid

    func run() throws {
        guard FileManager.default.fileExists(atPath: flow) else { throw ValidationError("no such file: \(flow)") }
        let overridesDirectory = overrides
            ?? ((flow as NSString).deletingLastPathComponent as NSString).appendingPathComponent("agencies")
        let agencyFiles = agency == nil ? [] : WorkflowDirectory.yamlFiles(in: overridesDirectory)
        let directory = WorkflowDirectory.load(flowFiles: [flow], agencyFiles: agencyFiles, catalogue: .standard)
        let diagnostics = directory.diagnosticsForOneFlow(agency: agency)
        if diagnostics.hasErrors {
            DiagnosticOutput.print(diagnostics, sources: directory.sources, format: .text)
            throw ExitCodes.invalidFlow
        }
        guard let name = directory.flows.keys.first else { throw ExitCodes.invalidFlow }
        if let agency, directory.agencies[agency] == nil {
            let known = directory.agencies.keys.sorted().joined(separator: ", ")
            DiagnosticOutput.standardError(
                "flowctl: --agency: no agency '\(agency)' in \(overridesDirectory)" + (known.isEmpty ? "" : " (known: \(known))") + "\n")
            throw ExitCodes.usage
        }
        let effective: Flow
        do {
            effective = try directory.effectiveFlow(name, agency: agency)
        } catch {
            DiagnosticOutput.standardError("flowctl: \(error)\n")
            throw ExitCodes.usage
        }
        let renderer = StateGraphRenderer(flow: effective)
        print(format == .mermaid ? renderer.mermaid() : renderer.dot())
    }
}
