#if canImport(FoundationEssentials)
import FoundationEssentials
#endif
import Foundation

/// The flows and agency overrides of a workflow directory (`workflows/*.yaml` and
/// `workflows/agencies/*.yaml`), loaded and validated together.
public struct WorkflowDirectory: Sendable {
    /// Flows by name (the first document wins when two declare the same name; F111 is reported).
    public var flows: [String: LoadedFlow]
    /// Agency overrides by agency id.
    public var agencies: [String: AgencyOverrides]
    /// Every document read, for rendering diagnostics.
    public var sources: [SourceFile]
    /// Every problem found, sorted by location.
    public var diagnostics: [Diagnostic]

    /// Why effective settings could not be computed.
    public struct SettingsError: Error, Sendable, Hashable, CustomStringConvertible {
        public enum Code: String, Sendable, Hashable {
            case unknownFlow = "unknown_flow"
            case unknownAgency = "unknown_agency"
            case invalidOverride = "invalid_override"
        }

        public var code: Code
        public var message: String
        public var description: String { "\(code.rawValue): \(message)" }

        public init(code: Code, message: String) {
            self.code = code
            self.message = message
        }
    }

    public init(flows: [String: LoadedFlow], agencies: [String: AgencyOverrides], sources: [SourceFile], diagnostics: [Diagnostic]) {
        self.flows = flows
        self.agencies = agencies
        self.sources = sources
        self.diagnostics = diagnostics
    }

    /// The diagnostics that concern a directory loaded with one flow document and every agency
    /// document (`flowctl dry-run` and `flowctl graph`). An override of a flow that was not loaded
    /// (O401) is normal there — the agency overrides the directory's other flows — and is only
    /// reported when it is the selected agency's, that agency does not override this flow, and the
    /// unknown name is a plausible misspelling of this flow's name (the overrides would otherwise
    /// be dropped silently).
    public func diagnosticsForOneFlow(agency: String?) -> [Diagnostic] {
        let name = flows.keys.first
        return diagnostics.filter { diagnostic in
            guard diagnostic.code == .overrideUnknownFlow else { return true }
            guard let agency, let name, let overrides = agencies[agency],
                  !overrides.flows.contains(where: { $0.flow.value == name }),
                  let unknown = overrides.flows.first(where: { $0.flow.location == diagnostic.location })
            else { return false }
            return Spelling.closest(to: unknown.flow.value, in: [name]) != nil
        }
    }

    /// Loads `path/*.yaml|yml` as flows and `path/agencies/*.yaml|yml` as agency overrides.
    /// - Parameters:
    ///   - path: the workflow directory.
    ///   - catalogue: the steps flows may call.
    public static func load(path: String, catalogue: StepCatalogue) -> WorkflowDirectory {
        load(flowFiles: yamlFiles(in: path), agencyFiles: yamlFiles(in: (path as NSString).appendingPathComponent("agencies")),
             catalogue: catalogue)
    }

    /// Loads the given flow documents and agency documents (paths), reading each file; flows are
    /// validated concurrently unless `parallel` is false.
    public static func load(flowFiles: [String], agencyFiles: [String], catalogue: StepCatalogue, parallel: Bool = true)
        -> WorkflowDirectory
    {
        var unreadable: [Diagnostic] = []
        func read(_ path: String) -> SourceFile? {
            guard let data = FileManager.default.contents(atPath: path) else {
                unreadable.append(.error(.yamlSyntax, "cannot read the file", at: .init(file: path, line: 1, column: 1)))
                return nil
            }
            guard let text = String(data: data, encoding: .utf8) else {
                unreadable.append(.error(.yamlSyntax, "the file is not UTF-8 text", at: .init(file: path, line: 1, column: 1)))
                return nil
            }
            return SourceFile(path: path, text: text)
        }
        var directory = load(
            flows: flowFiles.compactMap(read), agencies: agencyFiles.compactMap(read), catalogue: catalogue,
            parallel: parallel)
        directory.diagnostics = (unreadable + directory.diagnostics).sortedByLocation()
        return directory
    }

    /// Loads and validates documents already in memory.
    ///
    /// Flow documents are loaded and validated concurrently, one per core, unless `parallel` is
    /// false; results are merged in the order given, so the outcome is the same either way.
    public static func load(
        flows flowSources: [SourceFile], agencies agencySources: [SourceFile], catalogue: StepCatalogue,
        parallel: Bool = true
    ) -> WorkflowDirectory {
        let validator = FlowValidator(catalogue: catalogue)
        var diagnostics: [Diagnostic] = []
        var flows: [String: LoadedFlow] = [:]
        for (source, (flow, found)) in zip(flowSources, validator.validate(flowSources, parallel: parallel)) {
            diagnostics += found
            guard let flow else { continue }
            if let first = flows[flow.name.value] {
                diagnostics.append(.error(.duplicateFlow,
                                          "flow '\(flow.name.value)' is also declared in \(first.source.path)",
                                          at: flow.name.location))
                continue
            }
            flows[flow.name.value] = LoadedFlow(flow: flow, source: source)
        }
        var agencies: [String: AgencyOverrides] = [:]
        let flowModels = flows.mapValues(\.flow)
        for source in agencySources {
            let (overrides, found) = AgencyOverridesLoader.load(source)
            diagnostics += found
            guard let overrides else { continue }
            if agencies[overrides.agency.value] != nil {
                diagnostics.append(.error(.invalidValue, "agency '\(overrides.agency.value)' is declared twice",
                                          at: overrides.agency.location))
                continue
            }
            diagnostics += OverrideValidation.check(overrides, flows: flowModels, validator: validator)
            agencies[overrides.agency.value] = overrides
        }
        return WorkflowDirectory(
            flows: flows, agencies: agencies, sources: flowSources + agencySources,
            diagnostics: diagnostics.sortedByLocation())
    }

    /// Reads and checks one agency overrides document against these flows, as `flowctl validate`
    /// does for `workflows/agencies/*.yaml` (the daemon checks a document changed over the API so).
    /// - Returns: the overrides (nil when nothing usable was read) and every problem found.
    public func checkOverrides(_ source: SourceFile, catalogue: StepCatalogue) -> (AgencyOverrides?, [Diagnostic]) {
        let (overrides, found) = AgencyOverridesLoader.load(source)
        guard let overrides else { return (nil, found) }
        let validator = FlowValidator(catalogue: catalogue)
        return (overrides, found + OverrideValidation.check(overrides, flows: flows.mapValues(\.flow), validator: validator))
    }

    /// The settings an instance of `flow` runs with for `agency` (nil: the flow's defaults).
    /// - Throws: `SettingsError` for an unknown flow or agency, or an override that does not fit.
    public func effectiveSettings(flow name: String, agency: String?) throws -> [String: Value] {
        guard let loaded = flows[name] else { throw SettingsError(code: .unknownFlow, message: "no flow '\(name)'") }
        var settings = Dictionary(loaded.flow.settings.map { ($0.name.value, $0.defaultValue.value) }, uniquingKeysWith: { $1 })
        guard let agency else { return settings }
        guard let overrides = agencies[agency] else {
            throw SettingsError(code: .unknownAgency, message: "no agency '\(agency)'")
        }
        for setting in overrides.overrides(for: name)?.settings ?? [] {
            if let problem = OverrideValidation.problem(with: setting, in: loaded.flow) {
                throw SettingsError(code: .invalidOverride, message: problem.description)
            }
            settings[setting.name.value] = setting.value.value
        }
        return settings
    }

    /// The flow with an agency's overrides applied (the flow itself when `agency` is nil).
    public func effectiveFlow(_ name: String, agency: String?) throws -> Flow {
        guard let loaded = flows[name] else { throw SettingsError(code: .unknownFlow, message: "no flow '\(name)'") }
        guard let agency else { return loaded.flow }
        guard let overrides = agencies[agency] else {
            throw SettingsError(code: .unknownAgency, message: "no agency '\(agency)'")
        }
        return loaded.flow.applying(overrides.overrides(for: name)?.settings ?? [])
    }

    /// `*.yaml` and `*.yml` files directly in a directory, sorted; none if it does not exist.
    public static func yamlFiles(in directory: String) -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        return names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
            .map { (directory as NSString).appendingPathComponent($0) }
    }
}
