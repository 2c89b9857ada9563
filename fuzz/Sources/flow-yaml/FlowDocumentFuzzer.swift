import FlowEngine
import Foundation
import FuzzSupport

/// Fuzzes the YAML loader and the validator: every input is read as a flow document (loaded,
/// validated with the standard catalogue, its diagnostics rendered for people and as JSON, as
/// `flowctl validate` does) and as an agency overrides document checked against the shipped flows
/// (`FLOW_FUZZ_WORKFLOWS`, the `workflows/` directory; none when unset).

/// The steps the shipped flows may call.
let catalogue = StepCatalogue.standard

/// The shipped flows, loaded once.
let shippedFlows: WorkflowDirectory = {
    guard let path = ProcessInfo.processInfo.environment["FLOW_FUZZ_WORKFLOWS"] else {
        return WorkflowDirectory.load(flows: [], agencies: [], catalogue: catalogue, parallel: false)
    }
    return WorkflowDirectory.load(path: path, catalogue: catalogue)
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFlowDocument(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    // `flowctl validate` and the overrides API take UTF-8 text only.
    guard let text = FuzzInput(data, count).utf8Text else { return 0 }
    let file = SourceFile(path: "fuzz.yaml", text: text)
    let renderer = DiagnosticRenderer(sources: [file])

    let flows = WorkflowDirectory.load(flows: [file], agencies: [], catalogue: catalogue, parallel: false)
    check(flows.diagnostics, in: file, renderer: renderer)

    let (_, overrideDiagnostics) = shippedFlows.checkOverrides(file, catalogue: catalogue)
    check(overrideDiagnostics, in: file, renderer: renderer)
    return 0
}

/// Renders the diagnostics both ways; each must point at a line of the document (or just past its end).
func check(_ diagnostics: [Diagnostic], in file: SourceFile, renderer: DiagnosticRenderer) {
    let lines = file.lineCount
    for diagnostic in diagnostics where diagnostic.location.file == file.path {
        invariant((1...lines + 1).contains(diagnostic.location.line) && diagnostic.location.column >= 1,
                  "diagnostic outside the document: \(diagnostic)")
    }
    _ = renderer.render(diagnostics)
    _ = DiagnosticRenderer.json(diagnostics)
}
