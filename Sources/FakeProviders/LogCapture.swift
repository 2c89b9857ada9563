public import Logging
import Synchronization

/// A LogHandler that keeps every rendered line (level, message and metadata), so a test can search
/// what a step or a worker logged (a secret must never be there).
public final class LogCapture: LogHandler, Sendable {
    private let storage = Mutex<[String]>([])

    public init() {}

    public var lines: [String] { storage.withLock { $0 } }

    public var metadata: Logger.Metadata {
        get { [:] }
        set {}
    }
    public var logLevel: Logger.Level {
        get { .trace }
        set {}
    }
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { nil }
        set {}
    }

    public func log(event: LogEvent) {
        storage.withLock { $0.append("\(event.level) \(event.message) \(event.metadata ?? [:])") }
    }
}
