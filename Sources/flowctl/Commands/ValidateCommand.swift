import ArgumentParser
import FlowEngine

#if canImport(FoundationEssentials)
import FoundationEssentials
#endif
import Foundation

extension DiagnosticFormat: ExpressibleByArgument {}

/// `flowctl validate PATH...`: loads and validates flows and agency overrides.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Validate flow documents and agency overrides; exits 65 when any has an error.",
        discussion: "A directory means its *.yaml flows plus its agencies/*.yaml overrides."
    )

    @Argument(help: "Flow files or workflow directories.")
    var paths: [String]

    @Option(help: "Output format: text (stderr) or json (stdout).")
    var format: DiagnosticFormat = .text

    @Option(help: "Directory of agency override documents (default: agencies/ of each directory given).")
    var overrides: String?

    func run() throws {
        var flowFiles: [String] = []
        var agencyFiles: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw ValidationError("no such file or directory: \(path)")
            }
            if isDirectory.boolValue {
                flowFiles += WorkflowDirectory.yamlFiles(in: path)
                if overrides == nil {
                    agencyFiles += WorkflowDirectory.yamlFiles(in: (path as NSString).appendingPathComponent("agencies"))
                }
            } else {
                flowFiles.append(path)
            }
        }
        if let overrides { agencyFiles += WorkflowDirectory.yamlFiles(in: overrides) }
        let directory = WorkflowDirectory.load(flowFiles: flowFiles, agencyFiles: agencyFiles, catalogue: .standard)
        DiagnosticOutput.print(directory.diagnostics, sources: directory.sources, format: format)
        if directory.diagnostics.hasErrors { throw ExitCodes.invalidFlow }
        if format == .text {
            print("\(flowFiles.count) flow(s), \(agencyFiles.count) agency document(s): valid")
        }
    }
}
