import Foundation
import Testing

@testable import FlowEngine

/// Agency overrides: validation against settings, merge and effective settings.
struct OverrideTests {
    static let flow = SourceFile(path: "f.yaml", text: """
        flow: f
        version: 1
        settings:
          quiet: { type: window, default: "20:00-09:00", overridable: true }
          lead: { type: duration, default: 24h, min: 2h, max: 72h, overridable: true }
          fixed: { type: integer, default: 3, overridable: false }
          lang: { type: string, default: es, allowed: [es, en], overridable: true }
        start: a
        states:
          a:
            succeed: true
        """)

    func directory(_ agency: String) -> WorkflowDirectory {
        .load(flows: [Self.flow], agencies: [SourceFile(path: "a.yaml", text: agency)], catalogue: .standard)
    }

    @Test func validOverridesMergeIntoEffectiveSettings() throws {
        let dir = directory("agency: acme\nflows:\n  f:\n    settings: { quiet: \"21:00-08:00\", lead: 36h, lang: en }\n")
        #expect(dir.diagnostics.isEmpty)
        let settings = try dir.effectiveSettings(flow: "f", agency: "acme")
        #expect(settings["quiet"] == .string("21:00-08:00"))
        #expect(settings["lead"] == .string("36h"))
        #expect(settings["fixed"] == .number(3))
        #expect(try dir.effectiveSettings(flow: "f", agency: nil)["lead"] == .string("24h"))
        let merged = try dir.effectiveFlow("f", agency: "acme")
        #expect(merged.setting(named: "lang")?.defaultValue.location.file == "a.yaml")
    }

    @Test(arguments: [
        ("settings: { fixed: 4 }", "O403"),
        ("settings: { lead: 1h }", "O405"),
        ("settings: { lead: soon }", "O404"),
        ("settings: { lang: fr }", "O405"),
        ("settings: { quiet: \"25:00-01:00\" }", "O404"),
        ("settings: { nope: 1 }", "O402"),
    ])
    func rejectsOverridesOutsideTheSchema(_ settings: String, _ code: String) {
        let dir = directory("agency: acme\nflows:\n  f:\n    \(settings)\n")
        #expect(dir.diagnostics.map(\.code.rawValue) == [code])
        #expect(dir.diagnostics.allSatisfy { $0.location.file == "a.yaml" && $0.location.line == 4 })
    }

    @Test func unknownAgencyThrows() {
        let dir = directory("agency: acme\n")
        #expect(throws: WorkflowDirectory.SettingsError.self) { try dir.effectiveSettings(flow: "f", agency: "other") }
        #expect(throws: WorkflowDirectory.SettingsError.self) { try dir.effectiveSettings(flow: "g", agency: nil) }
    }

    @Test func contentHashIsStable() {
        #expect(LoadedFlow.fnv1a64("") == "cbf29ce484222325")
        #expect(LoadedFlow.fnv1a64("a") == "af63dc4c8601ec8c")
    }
}
