/// Renders diagnostics for people (`path:line:col: error[CODE]: message` + source line + caret)
/// and for machines (JSON objects with file, line, column, severity, code, message).
public struct DiagnosticRenderer: Sendable {
    /// The documents diagnostics may point into, by path.
    public var sources: [String: SourceFile]

    public init(sources: [SourceFile]) {
        self.sources = Dictionary(sources.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// One diagnostic: the header line, then the source line and a caret when the line is known.
    public func render(_ diagnostic: Diagnostic) -> String {
        var out = diagnostic.description
        let location = diagnostic.location
        if let line = sources[location.file]?.line(location.line) {
            let text = String(line).replacingTabs()
            let gutter = String(location.line)
            let pad = String(repeating: " ", count: gutter.count)
            let caretColumn = max(1, min(location.column, text.unicodeScalars.count + 1))
            out += "\n \(pad) |\n \(gutter) | \(text)\n \(pad) | "
            out += String(repeating: " ", count: caretColumn - 1) + "^"
        }
        return out
    }

    /// All diagnostics, one block each, separated by blank lines.
    public func render(_ diagnostics: [Diagnostic]) -> String {
        diagnostics.map(render).joined(separator: "\n\n")
    }

    /// The JSON array `[{"file","line","column","severity","code","message"}]`, keys in that order.
    public static func json(_ diagnostics: [Diagnostic]) -> String {
        let objects = diagnostics.map { d in
            "{\"file\":\(jsonString(d.location.file)),\"line\":\(d.location.line),\"column\":\(d.location.column),"
                + "\"severity\":\(jsonString(d.severity.rawValue)),\"code\":\(jsonString(d.code.rawValue)),"
                + "\"message\":\(jsonString(d.message))}"
        }
        return "[" + objects.joined(separator: ",\n ") + "]"
    }

    static func jsonString(_ string: String) -> String {
        var out = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += "\\u" + String(hex4: scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

extension String {
    /// Tabs become single spaces so that the caret column lines up.
    fileprivate func replacingTabs() -> String {
        String(unicodeScalars.map { $0 == "\t" ? " " : Character($0) })
    }

    fileprivate init(hex4 value: UInt32) {
        let hex = String(value, radix: 16)
        self = String(repeating: "0", count: Swift.max(0, 4 - hex.count)) + hex
    }
}
