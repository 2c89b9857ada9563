import Synchronization

/// The process-wide table of document paths that `SourceLocation`s refer to by number.
///
/// A path is added the first time a location in it is made and kept for the life of the
/// process (a workflow directory has a handful of files; a long-lived process that reads many
/// distinct paths keeps one string per path). Safe to use from any thread.
final class SourcePaths: Sendable {
    typealias ID = UInt32

    static let shared = SourcePaths()

    private struct Table {
        var ids: [String: ID] = [:]
        var paths: [String] = []
    }

    private let table = Mutex(Table())

    /// The number of `path`, adding it when new.
    func id(_ path: String) -> ID {
        table.withLock { table in
            if let id = table.ids[path] { return id }
            let id = ID(table.paths.count)
            table.paths.append(path)
            table.ids[path] = id
            return id
        }
    }

    /// The path numbered `id`.
    func path(_ id: ID) -> String {
        table.withLock { $0.paths[Int(id)] }
    }
}
