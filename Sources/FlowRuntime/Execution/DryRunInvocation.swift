public import FlowEngine
#if canImport(FoundationEssentials)
import FoundationEssentials
#endif
import Foundation

/// `flowctl dry-run` as a function: reads and validates the flow, the agency overrides, the
/// input and the fixtures, runs the dry-run and renders the report. The command is a thin
/// shell that prints the outcome and exits with its code (`domain/dry-run.md`).
public struct DryRunInvocation: Sendable {
    /// How the report is printed.
    public enum Format: String, Sendable, CaseIterable {
        case text
        case json
    }

    /// What the command prints and the exit code it ends with.
    public struct Outcome: Sendable {
        /// 0 ran to its horizon or end; 1 runtime failure; 64 bad input, fixtures or arguments; 65 invalid flow.
        public var exitCode: Int32
        public var standardOutput: String
        public var standardError: String
        public var report: DryRunReport?
        /// The flow that ran (with the agency's overrides), when it ran.
        public var flow: Flow? = nil
    }

    public var flowPath: String
    public var inputPath: String
    public var agency: String?
    /// Default: `agencies/` beside the flow file.
    public var overridesPath: String?
    public var fixturesPath: String?
    /// ISO-8601; default: now, truncated to the second.
    public var start: String?
    /// ISO-8601; default: until the instance ends, at most 30 days after the start.
    public var until: String?
    public var format: Format
    /// The product whose steps, store and fixtures sections the flow uses (the travel product).
    public var product: any FlowProduct

    public init(flowPath: String, inputPath: String, agency: String? = nil, overridesPath: String? = nil,
                fixturesPath: String? = nil, start: String? = nil, until: String? = nil, format: Format = .text,
                product: any FlowProduct = NoProduct()) {
        self.flowPath = flowPath
        self.inputPath = inputPath
        self.agency = agency
        self.overridesPath = overridesPath
        self.fixturesPath = fixturesPath
        self.start = start
        self.until = until
        self.format = format
        self.product = product
    }

    /// Runs the whole command; `now` is the wall-clock time used when `start` is not given.
    public func run(now: Instant) async -> Outcome {
        func usage(_ message: String) -> Outcome {
            Outcome(exitCode: 64, standardOutput: "", standardError: "error: \(message)\n", report: nil)
        }
        // Arguments and files that must exist.
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: flowPath, isDirectory: &isDirectory), !isDirectory.boolValue else {
            return usage("no such flow file: \(flowPath)")
        }
        let overrides = overridesPath
            ?? ((flowPath as NSString).deletingLastPathComponent as NSString).appendingPathComponent("agencies")
        if overridesPath != nil,
           !(FileManager.default.fileExists(atPath: overrides, isDirectory: &isDirectory) && isDirectory.boolValue) {
            return usage("--overrides: no such directory: \(overrides)")
        }
        let startInstant: Instant
        if let start {
            guard let parsed = Instant(iso8601: start) else { return usage("--start: not an ISO-8601 instant: \(start)") }
            startInstant = parsed
        } else {
            startInstant = Instant(epochSeconds: now.epochSeconds)
        }
        var horizon: Instant?
        if let until {
            guard let parsed = Instant(iso8601: until) else { return usage("--until: not an ISO-8601 instant: \(until)") }
            guard startInstant < parsed else { return usage("--until (\(until)) must be after the start (\(startInstant))") }
            horizon = parsed
        }

        // The flow and the overrides must validate (65).
        let directory = WorkflowDirectory.load(flowFiles: [flowPath], agencyFiles: WorkflowDirectory.yamlFiles(in: overrides),
                                               catalogue: .standard)
        let diagnostics = directory.diagnosticsForOneFlow(agency: agency)
        if diagnostics.hasErrors || directory.flows.isEmpty {
            let renderer = DiagnosticRenderer(sources: directory.sources)
            let errors = diagnostics.filter { $0.severity == .error }.count
            let warnings = diagnostics.count - errors
            return Outcome(exitCode: 65, standardOutput: "",
                           standardError: renderer.render(diagnostics) + "\n\n\(errors) error(s), \(warnings) warning(s)\n",
                           report: nil)
        }
        guard let loaded = directory.flows.values.first else { return usage("no flow in \(flowPath)") }
        let name = loaded.flow.name.value
        if let agency, directory.agencies[agency] == nil {
            let known = directory.agencies.keys.sorted().joined(separator: ", ")
            return usage("--agency: no agency '\(agency)' in \(overrides)" + (known.isEmpty ? "" : " (known: \(known))"))
        }
        let flow: Flow
        let settings: [String: Value]
        do {
            flow = try directory.effectiveFlow(name, agency: agency)
            settings = try directory.effectiveSettings(flow: name, agency: agency)
        } catch {
            return usage("\(error)")
        }

        // Input and fixtures (64, with the place of the problem).
        let input: Value
        var fixtures = DryRunFixtures()
        do throws(LocatedError) {
            let document = try LocatedDocument(parsing: try Self.read(inputPath, what: "input"))
            input = try InputCheck.typed(document, declaredBy: flow.input)
            if let fixturesPath {
                fixtures = try DryRunFixtures(parsing: try Self.read(fixturesPath, what: "fixtures"), product: product)
            }
        } catch {
            return Outcome(exitCode: 64, standardOutput: "", standardError: "error: \(error)\n", report: nil)
        }

        // Run.
        let version = "\(flow.version.value)+\(loaded.contentHash.prefix(7))"
        let report: DryRunReport
        do {
            report = try await DryRun(flow: flow, input: input, settings: .object(settings), agency: agency,
                                      fixtures: fixtures, start: startInstant, until: horizon, version: version,
                                      product: product).run()
        } catch {
            return Outcome(exitCode: 1, standardOutput: "", standardError: "error: the dry-run failed: \(error)\n", report: nil)
        }
        let warnings = diagnostics.isEmpty ? "" : DiagnosticRenderer(sources: directory.sources).render(diagnostics) + "\n"
        let output = format == .json ? report.json.jsonText : report.text
        return Outcome(exitCode: 0, standardOutput: output + "\n", standardError: warnings, report: report, flow: flow)
    }

    static func read(_ path: String, what: String) throws(LocatedError) -> SourceFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LocatedError("cannot read the \(what) file", at: SourceLocation(file: path, line: 1, column: 1))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw LocatedError("the \(what) file is not UTF-8 text", at: SourceLocation(file: path, line: 1, column: 1))
        }
        return SourceFile(path: path, text: text)
    }
}
