import ArgumentParser
import FlowEngine
import FlowRuntime
import Foundation
import Travel

/// `flowctl instances list|show`: what the daemon's store holds.
struct InstancesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "instances",
        abstract: "List stored instances, show one's timeline, or cancel one.",
        subcommands: [List.self, Show.self, Cancel.self, Resume.self]
    )

    enum OutputFormat: String, ExpressibleByArgument {
        case text, json
    }

    /// `flowctl instances list [--flow F] [--status S] [--agency A] [--limit N]`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List instances in creation order (up to --limit).")

        @Option(name: .long, help: "Only instances of this flow.")
        var flow: String?

        @Option(name: .long, help: "Only this status: running, waiting, succeeded, failed, cancelled.")
        var status: String?

        @Option(name: .long, help: "Only this agency's instances.")
        var agency: String?

        @Option(name: .long, help: "At most this many.")
        var limit: Int = 100

        @Option(name: .long, help: "Database URL (default: FLOW_DATABASE_URL, else ./flow.sqlite).")
        var database: String?

        @Option(name: .long, help: "Output format: text or json.")
        var format: OutputFormat = .text

        func run() async throws {
            var parsedStatus: InstanceStatus?
            if let status {
                guard let known = InstanceStatus(rawValue: status) else {
                    let names = InstanceStatus.allCases.map(\.rawValue).joined(separator: ", ")
                    throw ValidationError("--status: '\(status)' is not a status (use \(names))")
                }
                parsedStatus = known
            }
            let filter = InstanceFilter(flow: flow, agencyID: agency, status: parsedStatus, limit: max(1, limit))
            let storeConfiguration = try DaemonSetup.storeConfiguration(database)
            let records: [InstanceRecord]
            do {
                records = try await storeConfiguration.withStore(migrate: false) {
                    try await $0.flowStore.instances(matching: filter)
                }
            } catch {
                FileHandle.standardError.write(Data("flowctl instances: \(storeConfiguration): \(error)\n".utf8))
                throw ExitCodes.runtimeFailure
            }
            switch format {
            case .json:
                print(Value.array(records.map(Self.json)).jsonText)
            case .text:
                print(Self.table(records))
            }
        }

        static func json(_ record: InstanceRecord) -> Value {
            .object([
                "id": .string(record.id), "flow": .string(record.flow), "status": .string(record.status.rawValue),
                "agency": record.agencyID.map(Value.string) ?? .null,
                "key": record.idempotencyKey.map(Value.string) ?? .null,
                "wake_at": record.wakeAt.map(Value.instant) ?? .null,
                "created_at": .instant(record.createdAt), "updated_at": .instant(record.updatedAt),
            ])
        }

        static func table(_ records: [InstanceRecord]) -> String {
            guard !records.isEmpty else { return "no instances" }
            let rows = [["ID", "FLOW", "STATUS", "AGENCY", "WAKE AT", "UPDATED", "KEY"]] + records.map {
                [$0.id, $0.flow, $0.status.rawValue, $0.agencyID ?? "-", $0.wakeAt?.iso8601 ?? "-",
                 $0.updatedAt.iso8601, $0.idempotencyKey ?? "-"]
            }
            let widths = (0..<7).map { column in rows.map { $0[column].count }.max() ?? 0 }
            return rows.map { row in
                zip(row, widths).enumerated().map { index, cell in
                    index == row.count - 1 ? cell.0 : cell.0.padding(toLength: cell.1, withPad: " ", startingAt: 0)
                }.joined(separator: "  ")
            }.joined(separator: "\n")
        }
    }

    /// `flowctl instances show ID [--format json]`.
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show an instance's stored timeline (the dry-run's text or JSON shapes).")

        @Argument(help: "Instance id.")
        var id: String

        @Option(name: .long, help: "Database URL (default: FLOW_DATABASE_URL, else ./flow.sqlite).")
        var database: String?

        @Option(name: .long, help: "Output format: text or json (messages, timeline, alerts, calls).")
        var format: OutputFormat = .text

        func run() async throws {
            let storeConfiguration = try DaemonSetup.storeConfiguration(database)
            let id = self.id
            let loaded: StoredInstanceReport?
            do {
                loaded = try await storeConfiguration.withStore(migrate: false) {
                    try await StoredInstanceReport.load(
                        id: id, from: $0.flowStore, stepProviders: TravelProduct().stepProviders)
                }
            } catch {
                FileHandle.standardError.write(Data("flowctl instances: \(storeConfiguration): \(error)\n".utf8))
                throw ExitCodes.runtimeFailure
            }
            guard let loaded else {
                FileHandle.standardError.write(Data("flowctl instances show: no instance '\(id)'\n".utf8))
                throw ExitCodes.usage
            }
            print(format == .json ? loaded.json.jsonText : loaded.text)
        }
    }
}
