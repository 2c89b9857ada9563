public import Logging
import Foundation
import FlowEngine

/// A swift-log handler that writes one JSON object per line: `ts` (UTC, milliseconds), `level`,
/// `label`, `message`, `source`, and every metadata key as its own member (`flow.instance`,
/// `flow.name`, …). Values are strings, or arrays and objects for structured metadata.
public struct JSONLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    public let label: String
    private let write: @Sendable (String) -> Void

    /// Writes to standard output.
    public init(label: String, metadataProvider: Logger.MetadataProvider? = nil) {
        self.init(label: label, metadataProvider: metadataProvider) { line in
            FileHandle.standardOutput.write(Data(line.utf8))
        }
    }

    /// Writes each line (newline included) through `write`; for tests and other sinks.
    public init(label: String, metadataProvider: Logger.MetadataProvider? = nil,
                write: @escaping @Sendable (String) -> Void) {
        self.label = label
        self.metadataProvider = metadataProvider
        self.write = write
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { $1 } }
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        var members: [String: Value] = [:]
        for (key, value) in merged { members[key] = Self.value(value) }
        members["ts"] = .string(StoreCoding.wallClock().iso8601)
        members["level"] = .string(event.level.rawValue)
        members["label"] = .string(label)
        members["message"] = .string(event.message.description)
        members["source"] = .string(event.source)
        if let error = event.error { members["error"] = .string("\(error)") }
        write(Value.object(members).jsonText + "\n")
    }

    static func value(_ metadata: Logger.Metadata.Value) -> Value {
        switch metadata {
        case .string(let s): .string(s)
        case .stringConvertible(let c): .string(c.description)
        case .array(let items): .array(items.map(value))
        case .dictionary(let members): .object(members.mapValues(value))
        }
    }
}
