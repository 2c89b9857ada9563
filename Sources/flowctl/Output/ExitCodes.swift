import ArgumentParser

/// The process exit codes every command uses (documented in `flowctl --help`).
enum ExitCodes {
    static let ok = ExitCode(0)
    /// Something failed while running (I/O, a provider, the database).
    static let runtimeFailure = ExitCode(1)
    /// The command line was wrong.
    static let usage = ExitCode(64)
    /// `flowctl replay`: a replayed run differs from its recording.
    static let replayDiffers = ExitCode(2)
    /// A flow or override document does not validate.
    static let invalidFlow = ExitCode(65)
}
