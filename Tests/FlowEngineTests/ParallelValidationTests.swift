import Foundation
import Testing

@testable import FlowEngine

/// `WorkflowDirectory.load` validates flows concurrently; the outcome must not depend on it.
struct ParallelValidationTests {
    /// Every flow fixture of the golden tests (each broken in its own way) plus the base flow,
    /// which F111's fixture declares again: a directory of many broken files and a duplicate
    /// whose report depends on file order.
    static func brokenDirectory() throws -> [SourceFile] {
        let names = GoldenDiagnosticsTests.fixtureNames.filter { !$0.hasPrefix("O") }
        return try [GoldenDiagnosticsTests.source("base-flow.yml")] + names.map { try GoldenDiagnosticsTests.source($0 + ".yaml") }
    }

    @Test func parallelLoadEqualsSerialLoad() throws {
        let sources = try Self.brokenDirectory()
        #expect(sources.count > 20)
        let serial = WorkflowDirectory.load(flows: sources, agencies: [], catalogue: .standard, parallel: false)
        let parallel = WorkflowDirectory.load(flows: sources, agencies: [], catalogue: .standard, parallel: true)
        #expect(serial.diagnostics.count > 20)
        #expect(Set(serial.diagnostics.map(\.location.file)).count > 20, "several files must be broken")
        #expect(parallel.diagnostics == serial.diagnostics)
        let renderer = DiagnosticRenderer(sources: sources)
        #expect(renderer.render(parallel.diagnostics) == renderer.render(serial.diagnostics))
        #expect(DiagnosticRenderer.json(parallel.diagnostics) == DiagnosticRenderer.json(serial.diagnostics))
        #expect(parallel.flows.mapValues(\.source.path) == serial.flows.mapValues(\.source.path))
        #expect(parallel.diagnostics.contains { $0.code == .duplicateFlow })
    }

    @Test func batchValidationKeepsTheOrderOfTheFiles() throws {
        let sources = try Self.brokenDirectory()
        let validator = FlowValidator(catalogue: .standard)
        let one = sources.map { validator.validate($0) }
        let batch = validator.validate(sources, parallel: true)
        #expect(batch.count == one.count)
        for (index, (single, batched)) in zip(one, batch).enumerated() {
            #expect(single.diagnostics == batched.diagnostics, "\(sources[index].path)")
            #expect(single.flow?.name == batched.flow?.name, "\(sources[index].path)")
        }
    }
}
