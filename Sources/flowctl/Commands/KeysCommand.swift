import ArgumentParser
import FlowEngine
import FlowRuntime
import Foundation
import Travel

/// `flowctl keys create|list|revoke`: the daemon's API keys, in the database `serve` uses.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Create, list and revoke API keys for the daemon's HTTP API.",
        discussion: "A key is printed once, by create; only a SHA-256 digest of its secret is stored.",
        subcommands: [Create.self, List.self, Revoke.self]
    )

    /// `flowctl keys create --agency ID [--admin] [--name TEXT]`.
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a key and print it (the only time it is shown).")

        @Option(name: .long, help: "The agency the key acts for (required unless --admin).")
        var agency: String?

        @Flag(name: .long, help: "An admin key: every agency's objects, /metrics.")
        var admin = false

        @Option(name: .long, help: "A name for the key (recorded as who cancelled or decided).")
        var name: String?

        @Option(name: .long, help: "Database URL (default: FLOW_DATABASE_URL, else ./flow.sqlite).")
        var database: String?

        func validate() throws {
            if !admin && (agency ?? "").isEmpty { throw ValidationError("--agency ID is required unless --admin") }
        }

        func run() async throws {
            let (agency, admin, name) = (self.agency, self.admin, self.name)
            let now = InstanceWorker<SQLiteFlowStore>.wallClock()
            let issued = try await KeysCommand.withStore(database) { store in
                try await APIKeys.create(in: store, name: name, agency: agency, admin: admin, at: now)
            }
            let scope = issued.record.admin ? "admin" : "agency \(issued.record.agencyID ?? "-")"
            FileHandle.standardError.write(Data("""
                created key \(issued.record.id) '\(issued.record.name)' (\(scope)); it is shown once, store it now:

                """.utf8))
            print(issued.token)
        }
    }

    /// `flowctl keys list [--agency ID] [--format json]`: ids, names and scopes, never secrets.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List keys (never their secrets).")

        @Option(name: .long, help: "Only this agency's keys.")
        var agency: String?

        @Option(name: .long, help: "Database URL (default: FLOW_DATABASE_URL, else ./flow.sqlite).")
        var database: String?

        @Option(name: .long, help: "Output format: text or json.")
        var format: InstancesCommand.OutputFormat = .text

        func run() async throws {
            let agency = self.agency
            let keys = try await KeysCommand.withStore(database) { try await $0.apiKeys(agencyID: agency) }
            switch format {
            case .json: print(Value.array(keys.map(Self.json)).jsonText)
            case .text: print(Self.table(keys))
            }
        }

        static func json(_ key: APIKeyRecord) -> Value {
            .object([
                "id": .string(key.id), "name": .string(key.name), "agency": key.agencyID.map(Value.string) ?? .null,
                "admin": .bool(key.admin), "created_at": .instant(key.createdAt),
                "revoked_at": key.revokedAt.map(Value.instant) ?? .null,
            ])
        }

        /// `agency acme`, `admin`, or `admin (acme)` for an admin key with a home agency.
        static func scope(_ key: APIKeyRecord) -> String {
            guard key.admin else { return "agency \(key.agencyID ?? "-")" }
            return key.agencyID.map { "admin (\($0))" } ?? "admin"
        }

        static func table(_ keys: [APIKeyRecord]) -> String {
            guard !keys.isEmpty else { return "no keys" }
            let rows = [["ID", "NAME", "SCOPE", "CREATED", "REVOKED"]] + keys.map { key -> [String] in
                [key.id, key.name, scope(key), key.createdAt.iso8601, key.revokedAt?.iso8601 ?? "-"]
            }
            let widths = (0..<5).map { column in rows.map { $0[column].count }.max() ?? 0 }
            return rows.map { row in
                zip(row, widths).map { $0.0.padding(toLength: $0.1, withPad: " ", startingAt: 0) }
                    .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
            }.joined(separator: "\n")
        }
    }

    /// `flowctl keys revoke ID`.
    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a key: it authenticates nothing from now on.")

        @Argument(help: "The key's id (the part after flow_, as keys list shows it).")
        var id: String

        @Option(name: .long, help: "Database URL (default: FLOW_DATABASE_URL, else ./flow.sqlite).")
        var database: String?

        func run() async throws {
            let id = self.id
            let revoked = try await KeysCommand.withStore(database) {
                try await $0.revokeAPIKey(id: id, at: InstanceWorker<SQLiteFlowStore>.wallClock())
            }
            guard revoked else {
                FileHandle.standardError.write(Data("flowctl keys revoke: no key '\(id)'\n".utf8))
                throw ExitCodes.usage
            }
            print("revoked \(id)")
        }
    }

    /// Runs `body` over the configured store (migrated: the keys table may be new); a store failure exits 1.
    static func withStore<Result: Sendable>(
        _ database: String?, _ body: @escaping @Sendable (any FlowStore) async throws -> Result
    ) async throws -> Result {
        let configuration = try DaemonSetup.storeConfiguration(database)
        do {
            return try await configuration.withStore(migrate: true, adding: TravelSchema.schema) {
                try await body($0.flowStore)
            }
        } catch let error as APIKeys.CreateError {
            throw ValidationError(error.message)
        } catch {
            FileHandle.standardError.write(Data("flowctl keys: \(configuration): \(error)\n".utf8))
            throw ExitCodes.runtimeFailure
        }
    }
}
