import FlowEngine
import FlowRuntime
import Travel
import Testing

/// `DefinitionRegistry.runtimeSettings`: the one rule for which settings an instance gets.
@Suite("Settings of a started instance")
struct RuntimeSettingsTests {
    static let flow = """
        flow: hello
        version: 1
        settings:
          greeting: { type: string, default: Hola, overridable: true }
        start: done
        states:
          done:
            succeed: true
        """

    static func registry() -> DefinitionRegistry {
        let directory = WorkflowDirectory.load(
            flows: [SourceFile(path: "hello.yaml", text: flow)],
            agencies: [SourceFile(path: "agencies/acme.yaml", text: """
                agency: acme
                name: ACME
                flows:
                  hello:
                    settings:
                      greeting: Buenas
                """)],
            catalogue: .standard)
        return DefinitionRegistry(directory: directory)
    }

    @Test("an agency's document overrides; an agency without one and no agency get the defaults",
          arguments: [("acme", "Buenas"), ("globex", "Hola"), (nil, "Hola")] as [(String?, String)])
    func settings(agency: String?, greeting: String) throws {
        let registry = Self.registry()
        #expect(!registry.directory.diagnostics.hasErrors, "\(registry.directory.diagnostics)")
        #expect(try registry.runtimeSettings(flow: "hello", agency: agency)["greeting"] == .string(greeting))
    }

    @Test("an instance started for an agency without a document keeps the agency id and the defaults")
    func starterKeepsAgency() async throws {
        let store = InMemoryFlowStore()
        let result = try await InstanceStarter(store: store, registry: Self.registry()).start(
            flow: "hello", input: [:], agency: "globex", idempotencyKey: "k",
            at: Instant(iso8601: "2026-07-08T10:00:00Z")!)
        guard case .created(let record) = result else { Issue.record("not created: \(result)"); return }
        #expect(record.agencyID == "globex")
        #expect(record.settings.contains("Hola"))
    }
}
