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

    /// A flow whose retry numbers come from settings: the defaults fit F117's ranges, and the
    /// settings' own bounds are loose, so only the merged flow can break them.
    static let retryFlow = SourceFile(path: "r.yaml", text: """
        flow: r
        version: 1
        input:
          ident: string
        settings:
          attempts: { type: integer, default: 3, overridable: true }
          first_delay: { type: duration, default: 5s, overridable: true }
          cap: { type: duration, default: 5m, overridable: true }
        start: look
        states:
          look:
            step: aeroapi.flight
            with: { ident: "${{ input.ident }}", origin: MAD, scheduled_departure: "2026-07-08T10:00:00Z" }
            retry:
              max_attempts: ${{ settings.attempts }}
              initial: ${{ settings.first_delay }}
              max_delay: ${{ settings.cap }}
            catch: [ { errors: [transient, permanent, not_found, timeout, limit], next: done } ]
            next: done
          done:
            succeed: true
        """)

    @Test(arguments: [
        ("settings: { attempts: 0 }", "F117 max_attempts must be a whole number from 1 to 100, found 0", 27),
        ("settings: { cap: 1s }", "F117 max_delay (1s) is shorter than initial (5s)", 22),
        ("settings: { first_delay: 10m }", "F117 max_delay (5m) is shorter than initial (10m)", 30),
    ])
    func retryNumbersFromSettingsAreRevalidatedWithTheOverride(_ settings: String, _ expected: String, _ column: Int) {
        let agency = SourceFile(path: "a.yaml", text: "agency: acme\nflows:\n  r:\n    \(settings)\n")
        let dir = WorkflowDirectory.load(flows: [Self.retryFlow], agencies: [agency], catalogue: .standard)
        #expect(dir.diagnostics.map(\.code.rawValue) == ["O406"])
        #expect(dir.diagnostics.first?.message.contains(expected) == true)
        // The culprit is the override's value (the last one given, for max_delay < initial).
        #expect(dir.diagnostics.first?.location.file == "a.yaml")
        #expect(dir.diagnostics.first?.location.line == 4)
        #expect(dir.diagnostics.first?.location.column == column)
    }

    @Test func retryNumbersFromSettingsAreCheckedInTheFlowItself() {
        let text = Self.retryFlow.text.replacingOccurrences(of: "default: 3,", with: "default: 0,")
        let result = FlowValidator(catalogue: .standard).validate(SourceFile(path: "r.yaml", text: text))
        #expect(result.diagnostics.map(\.code.rawValue) == ["F117"])
        #expect(result.diagnostics.first?.location.line == 6)  // at the setting's default
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
