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
        discussion: """
            A directory means its *.yaml flows plus its agencies/*.yaml overrides. http.request URLs whose host \
            is literal are checked against --allow-hosts, else FLOW_HTTP_ALLOW_HOSTS (F120); with neither, \
            they are not judged (flowctl serve always judges them against its own list).
            """
    )

    @Argument(help: "Flow files or workflow directories.")
    var paths: [String]

    @Option(help: "Output format: text (stderr) or json (stdout).")
    var format: DiagnosticFormat = .text

    @Option(help: "Directory of agency override documents (default: agencies/ of each directory given).")
    var overrides: String?

    @Option(help: "Hosts http.request may call, as the daemon's FLOW_HTTP_ALLOW_HOSTS (default: that variable).")
    var allowHosts: String?

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
        let hosts: HostAllowList?
        do {
            let environment = ProcessInfo.processInfo.environment["FLOW_HTTP_ALLOW_HOSTS"]
                .flatMap { $0.isEmpty ? nil : $0 }
            hosts = try (allowHosts ?? environment)
                .map { text throws(HostAllowList.ParseError) in try HostAllowList(parsing: text) }
        } catch {
            throw ValidationError("--allow-hosts: \(error)")
        }
        let catalogue = StepCatalogue.standard.allowing(hosts: hosts)
        let directory = WorkflowDirectory.load(flowFiles: flowFiles, agencyFiles: agencyFiles, catalogue: catalogue)
        DiagnosticOutput.print(directory.diagnostics, sources: directory.sources, format: format)
        if directory.diagnostics.hasErrors { throw ExitCodes.invalidFlow }
        if format == .text {
            print("\(flowFiles.count) flow(s), \(agencyFiles.count) agency document(s): valid")
        }
    }
}
