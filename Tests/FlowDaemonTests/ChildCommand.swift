import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs a command to its end with posix_spawn + waitpid. Not Foundation's Process: it never saw
/// `pg_ctl` exit while the server it started (a grandchild) kept running, nor a driver exit once a
/// PostgreSQL it restarted held its pipes. Blocking: call it through `Blocking.run`.
enum ChildCommand {
    struct SpawnError: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs `command` (searched on PATH) with stdin from /dev/null, stdout into `output` and stderr
    /// into `errors` (into `output` too when nil); `environment` nil: this process's. Returns the
    /// wait status.
    static func run(
        _ command: [String], environment: [String: String]? = nil, output: String, errors: String? = nil
    ) throws -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        if let errors {
            posix_spawn_file_actions_addopen(&actions, 2, errors, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        } else {
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        }
        let argv: [UnsafeMutablePointer<CChar>?] = command.map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?]? = environment.map { $0.map { strdup("\($0.key)=\($0.value)") } + [nil] }
        defer { for pointer in argv + (envp ?? []) { free(pointer) } }
        var pid: pid_t = 0
        let spawned = envp.map { posix_spawnp(&pid, command[0], &actions, nil, argv, $0) }
            ?? posix_spawnp(&pid, command[0], &actions, nil, argv, environ)
        guard spawned == 0 else { throw SpawnError(description: "cannot run \(command[0]): errno \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        return status
    }
}
