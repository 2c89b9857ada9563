import ArgumentParser
import FlowRuntime
import Foundation
import Travel

/// `flowctl migrate [--database URL]`: applies pending schema migrations and prints the versions.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply pending database schema migrations.",
        discussion: """
            The database is --database, else FLOW_DATABASE_URL, else ./flow.sqlite. Accepted: \
            postgres://user:pass@host:port/db, sqlite:///path, or a plain file path. Idempotent.
            """
    )

    @Option(name: .long, help: "Database URL (default: FLOW_DATABASE_URL, else ./flow.sqlite).")
    var database: String?

    @Option(name: .long, help: "Output format: text or json.")
    var format: OutputFormat = .text

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    func run() async throws {
        let configuration: StoreConfiguration
        do {
            configuration = try database.map(StoreConfiguration.from(url:)) ?? StoreConfiguration.fromEnvironment()
        } catch {
            throw ValidationError("\(error)")
        }
        let report: MigrationReport
        do {
            report = try await configuration.migrate(adding: TravelSchema.schema)
        } catch {
            FileHandle.standardError.write(Data("flowctl migrate: \(configuration): \(error)\n".utf8))
            throw ExitCode(1)
        }
        let names = Dictionary(MigrationReport.known(adding: TravelSchema.schema).map { ($0.version, $0.name) }, uniquingKeysWith: { a, _ in a })
        switch format {
        case .json:
            let object: [String: Any] = [
                "database": configuration.description, "applied": report.applied, "versions": report.after,
            ]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        case .text:
            print("database: \(configuration)")
            for version in report.after {
                let marker = report.applied.contains(version) ? "applied now" : "already applied"
                print("  \(version) \(names[version] ?? "?") — \(marker)")
            }
            print(report.applied.isEmpty ? "up to date" : "applied \(report.applied.count) migration(s)")
        }
    }
}
