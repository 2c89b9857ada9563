import ArgumentParser

#if canImport(FoundationEssentials)
import FoundationEssentials
#endif
import Foundation

/// `flowctl schema flow|agency`: the JSON Schema (draft 2020-12) of a flow or agency overrides
/// document, for editors (`docs/editors.md`). The schemas are the JSON files in
/// `Sources/flowctl/Resources`, printed as they are.
struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print the JSON Schema of flow or agency documents (for editors; see docs/editors.md).",
        discussion: "Kinds: \(DocumentKind.allCases.map(\.rawValue).joined(separator: ", ")). An unknown kind exits 64."
    )

    /// The documents a schema describes, named as on the command line.
    enum DocumentKind: String, CaseIterable {
        /// A flow document (`workflows/*.yaml`).
        case flow
        /// An agency overrides document (`workflows/agencies/*.yaml`).
        case agency

        /// The schema's resource name (without `.json`).
        var resourceName: String { "\(rawValue).schema" }
    }

    @Argument(help: "flow or agency.")
    var kind: String

    func run() throws {
        guard let document = DocumentKind(rawValue: kind) else {
            let valid = DocumentKind.allCases.map(\.rawValue).joined(separator: ", ")
            DiagnosticOutput.standardError("flowctl: schema: unknown kind '\(kind)' (valid: \(valid))\n")
            throw ExitCodes.usage
        }
        guard let url = Bundle.module.url(forResource: document.resourceName, withExtension: "json"),
              let data = FileManager.default.contents(atPath: url.path)
        else {
            DiagnosticOutput.standardError(
                "flowctl: schema: \(document.resourceName).json is missing from flowctl's resources\n")
            throw ExitCodes.runtimeFailure
        }
        FileHandle.standardOutput.write(data)
    }
}
