import FakeProviders
import FlowRuntime
import Travel
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A PostgreSQL cluster of one test's own (initdb in a temporary directory, a free loopback
/// port), so the test can stop and start the server without disturbing the other tests, which
/// share `scripts/test.sh`'s cluster. The server binaries are run as `postgres` when we are root.
final class OwnPostgresCluster: Sendable {
    struct CommandError: Error, CustomStringConvertible {
        var description: String
    }

    let directory: String
    let port: Int
    /// `postgres://flow@127.0.0.1:PORT/flow_test`.
    var url: String { "postgres://flow@127.0.0.1:\(port)/flow_test" }

    private init(directory: String, port: Int) {
        self.directory = directory
        self.port = port
    }

    /// Whether the tests can make one: Postgres tests are on (`FLOW_TEST_POSTGRES_URL`).
    static var available: Bool { TestPostgres.url != nil }

    /// initdb, start, createdb flow_test.
    static func make() async throws -> OwnPostgresCluster {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("flow-own-pg-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        if getuid() == 0 { try await run(["chown", "postgres", directory], asPostgres: false) }
        let cluster = OwnPostgresCluster(directory: directory, port: try LoopbackPort.free())
        try await run(["initdb", "-D", directory, "-U", "flow", "--auth=trust", "-E", "UTF8"])
        try await cluster.start()
        try await run(["createdb", "-h", "127.0.0.1", "-p", String(cluster.port), "-U", "flow", "flow_test"])
        return cluster
    }

    /// `pg_ctl start` (waits until it accepts connections).
    func start() async throws {
        try await Self.run([
            "pg_ctl", "-D", directory, "-w", "-l", (directory as NSString).appendingPathComponent("server.log"),
            "-o", "-h 127.0.0.1 -p \(port) -k \(directory) -c fsync=off -c max_connections=100", "start",
        ])
    }

    /// `pg_ctl stop -m fast`: the server is down until `start()`.
    func stop() async throws {
        try await Self.run(["pg_ctl", "-D", directory, "-m", "fast", "-w", "stop"])
    }

    /// `pg_ctl restart -m fast`: every connection dropped, the server up again.
    func restart() async throws {
        try await Self.run([
            "pg_ctl", "-D", directory, "-m", "fast", "-w", "-l",
            (directory as NSString).appendingPathComponent("server.log"), "restart",
        ])
    }

    /// Stops the server (immediately) and deletes the directory.
    func destroy() {
        try? Self.runBlocking(["pg_ctl", "-D", directory, "-m", "immediate", "-w", "stop"])
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// `runBlocking` on a thread of its own (`Blocking`), not on a cooperative thread.
    static func run(_ command: [String], asPostgres: Bool = true) async throws {
        try await Blocking.run { try runBlocking(command, asPostgres: asPostgres) }
    }

    /// Runs a PostgreSQL command (as the `postgres` user when we are root) to its end
    /// (`ChildCommand`); stderr goes into the error.
    static func runBlocking(_ command: [String], asPostgres: Bool = true) throws {
        var arguments = command
        if asPostgres && getuid() == 0 { arguments = ["runuser", "-u", "postgres", "--"] + arguments }
        let errorPath = FileManager.default.temporaryDirectory.appendingPathComponent("own-pg-\(UUID()).err").path
        defer { try? FileManager.default.removeItem(atPath: errorPath) }
        let status = try ChildCommand.run(arguments, output: "/dev/null", errors: errorPath)
        guard status == 0 else {
            let text = (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? ""
            throw CommandError(description: "\(command.joined(separator: " ")) failed (wait status \(status)): \(text)")
        }
    }
}
