public import FlowEngine
public import Foundation

/// Draws a flow's state graph as SVG for the console: with Graphviz `dot` where it is installed
/// (an optional dependency: `FLOW_GRAPHVIZ_DOT`, else `dot` on `PATH`), else as
/// ``StateGraphOutline``'s outline. Occupied states are filled and counted either way.
public struct FlowGraphSVG: Sendable {
    /// The `dot` executable, or nil to draw the outline.
    public let dotPath: String?
    /// How long `dot` may take before the outline is drawn instead.
    public var timeout: Duration = .seconds(10)

    public init(dotPath: String?) {
        self.dotPath = dotPath
    }

    /// `FLOW_GRAPHVIZ_DOT` when it names an executable (`none` turns Graphviz off), else the first
    /// `dot` on `PATH`.
    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) -> FlowGraphSVG {
        if let configured = environment["FLOW_GRAPHVIZ_DOT"], !configured.isEmpty {
            if configured == "none" { return FlowGraphSVG(dotPath: nil) }
            return FlowGraphSVG(dotPath: FileManager.default.isExecutableFile(atPath: configured) ? configured : nil)
        }
        let directories = (environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":")
        let found = directories.map { "\($0)/dot" }.first { FileManager.default.isExecutableFile(atPath: $0) }
        return FlowGraphSVG(dotPath: found)
    }

    /// The SVG and what drew it (`graphviz` or `outline`).
    public func svg(flow: Flow, highlight: [String: Int]) async -> (svg: String, renderer: String) {
        if let dotPath, let drawn = await Self.runDot(dotPath, StateGraphRenderer(flow: flow).dot(highlight: highlight),
                                                      timeout: timeout) {
            return (drawn, "graphviz")
        }
        return (StateGraphOutline(flow: flow).svg(highlight: highlight), "outline")
    }

    /// `dot -Tsvg` over `source`; nil when it fails, prints nothing or outlasts `timeout`. The source
    /// goes through a temporary file, not a pipe: a `dot` that exits early cannot raise SIGPIPE here.
    static func runDot(_ path: String, _ source: String, timeout: Duration) async -> String? {
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("flow-graph-\(UUID().uuidString).dot")
        guard (try? Data(source.utf8).write(to: input)) != nil else { return nil }
        defer { try? FileManager.default.removeItem(at: input) }
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: path)
                process.arguments = ["-Tsvg", input.path]
                let output = Pipe()
                process.standardInput = FileHandle.nullDevice
                process.standardOutput = output
                process.standardError = FileHandle.nullDevice
                do { try process.run() } catch {
                    continuation.resume(returning: nil)
                    return
                }
                let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
                let deadline = DispatchWorkItem { if process.isRunning { process.terminate() } }
                DispatchQueue.global().asyncAfter(deadline: .now() + seconds, execute: deadline)
                let data = output.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                deadline.cancel()
                guard process.terminationStatus == 0, !data.isEmpty else {
                    continuation.resume(returning: nil)
                    return
                }
                var text = String(decoding: data, as: UTF8.self)
                // From the <svg> element on: the console inlines it.
                if let start = text.range(of: "<svg") { text = String(text[start.lowerBound...]) }
                continuation.resume(returning: text)
            }
        }
    }
}
