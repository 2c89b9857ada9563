import ArgumentParser
import FlowEngine
import FlowRuntime
import Foundation

/// `flowctl approvals list|show|approve|reject`: the approvals people decide, over the daemon's
/// store and the same library the control plane uses (`ApprovalDecisions`).
struct ApprovalsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approvals",
        abstract: "List, show and decide approvals.",
        discussion: "approve/reject exit 64 when the approval is unknown, already decided, expired or cancelled, "
            + "when --values do not fit the request, or when --by is not among its approvers.",
        subcommands: [List.self, Show.self, Approve.self, Reject.self]
    )

    enum OutputFormat: String, ExpressibleByArgument {
        case text, json
    }

    /// The options every subcommand shares.
    struct StoreOptions: ParsableArguments {
        @Option(name: .long, help: "Only (or as) this agency; omitted: every agency (an operator's view).")
        var agency: String?

        @Option(name: .long, help: "Database URL (default: FLOW_DATABASE_URL, else ./flow.sqlite).")
        var database: String?

        @Option(name: .long, help: "Output format: text or json.")
        var format: OutputFormat = .text

        /// Runs `body` over the store; a store failure exits 1 with its message.
        func withDecisions<Result: Sendable>(
            _ body: @escaping @Sendable (any ApprovalDecisionsProtocol) async throws -> Result
        ) async throws -> Result {
            let configuration = try DaemonSetup.storeConfiguration(database)
            do {
                return try await configuration.withStore(migrate: false) { opened in
                    try await body(Self.decisions(opened.flowStore))
                }
            } catch {
                FileHandle.standardError.write(Data("flowctl approvals: \(configuration): \(error)\n".utf8))
                throw ExitCodes.runtimeFailure
            }
        }

        private static func decisions(_ store: some FlowStore) -> any ApprovalDecisionsProtocol {
            ApprovalDecisions(store: store)
        }
    }

    /// `flowctl approvals list [--agency A] [--status S] [--after ID] [--limit N] [--format json]`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List approvals, oldest request first.")

        @OptionGroup var options: StoreOptions

        @Option(name: .long, help: "pending (default), approved, rejected, expired, cancelled or all.")
        var status: String = "pending"

        @Option(name: .long, help: "The last id of the previous page.")
        var after: String?

        @Option(name: .long, help: "At most this many.")
        var limit: Int = 100

        func run() async throws {
            var wanted: ApprovalRecord.Status?
            if status != "all" {
                guard let known = ApprovalRecord.Status(rawValue: status) else {
                    let names = ApprovalRecord.Status.allCases.map(\.rawValue).joined(separator: ", ")
                    throw ValidationError("--status: '\(status)' is not a status (use \(names) or all)")
                }
                wanted = known
            }
            let (agency, after, limit, status) = (options.agency, after, max(1, limit), wanted)
            let rows = try await options.withDecisions {
                try await $0.list(agency: agency, status: status, after: after, limit: limit)
            }
            switch options.format {
            case .json: print(Value.array(rows.map(\.json)).jsonText)
            case .text: print(ApprovalText.table(rows))
            }
        }
    }

    /// `flowctl approvals show ID [--agency A] [--format json]`.
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one approval: its request and decision.")

        @Argument(help: "Approval id (<instance>:a<n>, as `list` prints it).")
        var id: String

        @OptionGroup var options: StoreOptions

        func run() async throws {
            let (id, agency) = (id, options.agency)
            guard let row = try await options.withDecisions({ try await $0.approval(id: id, agency: agency) }) else {
                FileHandle.standardError.write(Data("flowctl approvals show: no approval '\(id)'\n".utf8))
                throw ExitCodes.usage
            }
            print(options.format == .json ? row.json.jsonText : ApprovalText.detail(row))
        }
    }

    /// The options of `approve` and `reject`.
    struct DecideOptions: ParsableArguments {
        @Argument(help: "Approval id (<instance>:a<n>).")
        var id: String

        @Option(name: .long, help: "Who decides: recorded, shown in the timeline, checked against the approvers.")
        var by: String

        @Option(name: .long, help: "Notes for the flow (vars.<save>.notes).")
        var notes: String?

        @Option(name: .long, help: "A JSON or YAML file with values amending the request (e.g. amount).")
        var values: String?

        @OptionGroup var store: StoreOptions

        func decide(_ outcome: ApprovalDecision.Outcome) async throws {
            var given: Value?
            if let values {
                guard let text = try? String(contentsOfFile: values, encoding: .utf8) else {
                    throw ValidationError("cannot read values file: \(values)")
                }
                do {
                    given = try LocatedDocument(parsing: SourceFile(path: values, text: text)).value
                } catch {
                    throw ValidationError("\(values): \(error)")
                }
            }
            let (id, by, notes, agency) = (id, by, notes, store.agency)
            let result = try await store.withDecisions { [given] in
                try await $0.decide(id: id, outcome: outcome, by: by, identity: by, notes: notes, values: given,
                                    agency: agency, at: InstanceWorker<InMemoryFlowStore>.wallClock())
            }
            guard case .decided(let row) = result else {
                FileHandle.standardError.write(Data("flowctl approvals \(outcome.rawValue): \(id): \(result)\n".utf8))
                throw ExitCodes.usage
            }
            print(store.format == .json ? row.json.jsonText : "\(result)")
        }
    }

    /// `flowctl approvals approve ID --by NAME [--notes T] [--values FILE]`.
    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Approve a pending approval; the instance resumes.")

        @OptionGroup var options: DecideOptions

        func run() async throws { try await options.decide(.approve) }
    }

    /// `flowctl approvals reject ID --by NAME [--notes T] [--values FILE]`.
    struct Reject: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Reject a pending approval; the instance resumes.")

        @OptionGroup var options: DecideOptions

        func run() async throws { try await options.decide(.reject) }
    }
}
