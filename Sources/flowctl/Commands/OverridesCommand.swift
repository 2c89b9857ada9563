import ArgumentParser
import FlowEngine
import FlowRuntime
import Travel
import Foundation

/// `flowctl overrides show|set|history AGENCY`: an agency's overrides changed without a deploy,
/// over the daemon's store and the same library the control plane uses (`AgencyOverridesBook`).
/// A change applies to the next instance every daemon on the store starts, with no restart.
struct OverridesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "overrides",
        abstract: "Show, change and audit an agency's overrides without a deploy.",
        discussion: "set exits 65 with the diagnostics when the document is invalid (nothing is stored), "
            + "64 when --if-revision is not the current revision.",
        subcommands: [Show.self, Set.self, History.self]
    )

    enum OutputFormat: String, ExpressibleByArgument {
        case text, json
    }

    /// The options every subcommand shares.
    struct StoreOptions: ParsableArguments {
        @Argument(help: "The agency id.")
        var agency: String

        @Option(name: .long, help: "The workflow directory the daemon runs (its flows check the document).")
        var workflows: String = "./workflows"

        @Option(name: .long, help: "Database URL (default: FLOW_DATABASE_URL, else ./flow.sqlite).")
        var database: String?

        @Option(name: .long, help: "Output format: text or json.")
        var format: OutputFormat = .text

        /// Runs `body` over the book of the store and the workflow directory; a store failure exits 1.
        func withBook<Result: Sendable>(
            _ body: @escaping @Sendable (any AgencyOverridesCalls) async throws -> Result
        ) async throws -> Result {
            let registry = try DaemonSetup.registry(workflows)
            let configuration = try DaemonSetup.storeConfiguration(database)
            do {
                return try await configuration.withStore(migrate: true, adding: TravelSchema.schema) { opened in
                    try await body(Self.book(opened.flowStore, registry: registry))
                }
            } catch let exit as ExitCode {
                throw exit
            } catch {
                FileHandle.standardError.write(Data("flowctl overrides: \(configuration): \(error)\n".utf8))
                throw ExitCodes.runtimeFailure
            }
        }

        private static func book(_ store: some FlowStore, registry: DefinitionRegistry) -> any AgencyOverridesCalls {
            AgencyOverridesBook(store: store, registry: registry)
        }
    }

    /// `flowctl overrides show AGENCY [--format json]`.
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The document in effect and the settings each flow's next instance starts with.")

        @OptionGroup var options: StoreOptions

        func run() async throws {
            let agency = options.agency
            let view = try await options.withBook { try await $0.current(agency: agency) }
            print(options.format == .json ? view.json.jsonText : OverridesText.current(view))
        }
    }

    /// `flowctl overrides set AGENCY FILE --by NAME [--if-revision N]`.
    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replace the agency's overrides with FILE, checked as `flowctl validate` checks it.")

        @OptionGroup var options: StoreOptions

        @Argument(help: "The new overrides document (YAML).")
        var file: String

        @Option(name: .long, help: "Who changes it: recorded in the history.")
        var by: String

        @Option(name: .long, help: "Refuse unless this is the current revision (0: none stored yet).")
        var ifRevision: Int?

        func run() async throws {
            guard let document = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw ValidationError("cannot read \(file)")
            }
            let (agency, by, expecting, format) = (options.agency, by, ifRevision, options.format)
            let outcome = try await options.withBook {
                try await $0.change(
                    agency: agency, document: document, by: by, expecting: expecting,
                    at: InstanceWorker<InMemoryFlowStore>.wallClock())
            }
            switch outcome {
            case .invalid(let diagnostics, let source):
                // Point the diagnostics at the file the user gave.
                let located = diagnostics.map { diagnostic in
                    var diagnostic = diagnostic
                    if diagnostic.location.file == source.path {
                        diagnostic.location = SourceLocation(
                            file: file, line: diagnostic.location.line, column: diagnostic.location.column)
                    }
                    return diagnostic
                }
                DiagnosticOutput.print(
                    located, sources: [SourceFile(path: file, text: document)], format: format == .json ? .json : .text)
                FileHandle.standardError.write(Data("flowctl overrides set: \(file) is invalid; nothing was changed\n".utf8))
                throw ExitCodes.invalidFlow
            case .stale(let current):
                FileHandle.standardError.write(Data(
                    "flowctl overrides set: revision \(current) is current, not \(expecting ?? 0); nothing was changed\n".utf8))
                throw ExitCodes.usage
            case .unchanged(let view):
                print(format == .json ? view.json.jsonText : "agency \(agency): unchanged (revision \(view.revision))")
            case .changed(let view, let warnings):
                if !warnings.isEmpty {
                    DiagnosticOutput.print(warnings, sources: [SourceFile(path: file, text: document)], format: .text)
                }
                print(format == .json ? view.json.jsonText : "agency \(agency): revision \(view.revision) stored")
            }
        }
    }

    /// `flowctl overrides history AGENCY [--format json]`.
    struct History: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every change, newest first: who, when, what.")

        @OptionGroup var options: StoreOptions

        func run() async throws {
            let agency = options.agency
            let entries = try await options.withBook { try await $0.history(agency: agency) }
            switch options.format {
            case .json: print(Value.array(entries.map(\.json)).jsonText)
            case .text: print(OverridesText.history(entries, agency: agency))
            }
        }
    }
}
