import Foundation
import Testing

@testable import FlowEngine

/// YAML snippet in, rendered diagnostics out: one fixture per diagnostic code.
///
/// `Fixtures/diagnostics/<CODE>-<name>.yaml` is validated (O-codes as an agency document over
/// `base-flow.yml`; F111 beside it; F120 with the allow-list `api.example.com`) and rendered; the text must equal `<CODE>-<name>.expected`.
/// Run with `FLOW_RECORD_GOLDENS=1` to rewrite the expected files in the source tree.
struct GoldenDiagnosticsTests {
    static let directory = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!
        .appendingPathComponent("diagnostics")

    static let fixtureNames: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }.sorted()
    }()

    static func source(_ fileName: String) throws -> SourceFile {
        let text = try String(contentsOf: directory.appendingPathComponent(fileName), encoding: .utf8)
        return SourceFile(path: "diagnostics/\(fileName)", text: text)
    }

    /// Validates a fixture the way `flowctl validate` would and renders the diagnostics.
    static func render(_ name: String) throws -> (text: String, diagnostics: [Diagnostic]) {
        let fixture = try source(name + ".yaml")
        let directory: WorkflowDirectory
        if name.hasPrefix("O") {
            directory = .load(flows: [try source("base-flow.yml")], agencies: [fixture], catalogue: .standard)
        } else if name.hasPrefix("F111") {
            directory = .load(flows: [try source("base-flow.yml"), fixture], agencies: [], catalogue: .standard)
        } else if name.hasPrefix("F120") {
            let hosts = try HostAllowList(parsing: "api.example.com")
            directory = .load(flows: [fixture], agencies: [], catalogue: .standard.allowing(hosts: hosts))
        } else {
            directory = .load(flows: [fixture], agencies: [], catalogue: .standard)
        }
        let text = DiagnosticRenderer(sources: directory.sources).render(directory.diagnostics) + "\n"
        return (text, directory.diagnostics)
    }

    @Test(arguments: fixtureNames)
    func rendersTheExpectedDiagnostics(_ name: String) throws {
        let (text, diagnostics) = try Self.render(name)
        let code = String(name.prefix(4))
        #expect(diagnostics.contains { $0.code.rawValue == code }, "fixture \(name) does not produce \(code)")
        #expect(diagnostics.allSatisfy { $0.location.line >= 1 && $0.location.column >= 1 })
        if ProcessInfo.processInfo.environment["FLOW_RECORD_GOLDENS"] != nil {
            let target = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
                .appendingPathComponent("Fixtures/diagnostics/\(name).expected")
            try text.write(to: target, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: Self.directory.appendingPathComponent(name + ".expected"), encoding: .utf8)
        #expect(text == expected)
    }

    @Test func everyDiagnosticCodeHasAFixture() {
        let covered = Set(Self.fixtureNames.map { String($0.prefix(4)) })
        let missing = DiagnosticCode.all.map(\.rawValue).filter { !covered.contains($0) }
        #expect(missing.isEmpty, "codes without a fixture: \(missing)")
    }

    @Test func everyDiagnosticCodeIsDocumented() throws {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../docs/diagnostics.md").standardized
        let text = try String(contentsOf: docs, encoding: .utf8)
        let missing = DiagnosticCode.all.map(\.rawValue).filter { !text.contains("`\($0)`") }
        #expect(missing.isEmpty, "codes missing from docs/diagnostics.md: \(missing)")
    }

    @Test func shippedWorkflowsValidate() throws {
        let workflows = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../workflows").standardized.path
        let directory = WorkflowDirectory.load(path: workflows, catalogue: .standard)
        #expect(directory.flows["flight-notifications"] != nil)
        #expect(directory.agencies.count >= 2)
        #expect(directory.diagnostics.isEmpty, "\(directory.diagnostics)")
    }
}
