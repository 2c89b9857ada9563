import FlowEngine
import FlowRuntime
import Foundation
import FuzzSupport
import Travel

/// Fuzzes the dry-run documents `flowctl dry-run` reads: every input is read as a fixtures file
/// (`--fixtures`, YAML or JSON, with the travel product's sections: trips, conversations,
/// itineraries, preferences) and as an input file (`--input`) typed by the input declarations of
/// each shipped flow (`FLOW_FUZZ_WORKFLOWS`; none when unset). A `LocatedError` is the expected
/// answer to a bad document; only traps count.

/// The input declarations of the shipped flows, loaded once.
let declaredInputs: [[InputField]] = {
    guard let path = ProcessInfo.processInfo.environment["FLOW_FUZZ_WORKFLOWS"] else { return [] }
    let directory = WorkflowDirectory.load(path: path, catalogue: .standard)
    return directory.flows.keys.sorted().compactMap { directory.flows[$0]?.flow.input }
}()

let product = TravelProduct()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDryRunDocuments(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    // The dry-run reads UTF-8 files only (`DryRunInvocation.read`).
    guard let text = FuzzInput(data, count).utf8Text else { return 0 }
    let file = SourceFile(path: "fuzz.yaml", text: text)
    _ = try? DryRunFixtures(parsing: file, product: product)
    guard let document = try? LocatedDocument(parsing: file) else { return 0 }
    for fields in declaredInputs {
        if let input = try? InputCheck.typed(document, declaredBy: fields) { _ = input.jsonText }
    }
    return 0
}
