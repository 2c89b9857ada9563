import FlowEngine

#if canImport(FoundationEssentials)
import FoundationEssentials
#endif
import Foundation

/// How diagnostics are printed: text to stderr, JSON to stdout.
enum DiagnosticFormat: String, CaseIterable, Sendable {
    case text
    case json
}

enum DiagnosticOutput {
    static func print(_ diagnostics: [Diagnostic], sources: [SourceFile], format: DiagnosticFormat) {
        switch format {
        case .json:
            Swift.print(DiagnosticRenderer.json(diagnostics))
        case .text:
            guard !diagnostics.isEmpty else { return }
            let renderer = DiagnosticRenderer(sources: sources)
            let errors = diagnostics.filter { $0.severity == .error }.count
            let warnings = diagnostics.filter { $0.severity == .warning }.count
            standardError(renderer.render(diagnostics) + "\n\n\(errors) error(s), \(warnings) warning(s)\n")
        }
    }

    static func standardError(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
