public import FlowEngine
import Foundation

/// When a circuit opens and for how long: `failures` consecutive transient failures, each within
/// `window` of the first, open it for `openFor`. The default, 5 failures in 30 s then open for 30 s,
/// stops a dead provider being hammered within seconds and costs a healthy one nothing (five
/// failures in a row are not noise); the open interval is short enough that a recovered provider is
/// probed within half a minute.
public struct BreakerSettings: Sendable, Hashable, CustomStringConvertible {
    public var failures: Int
    public var window: TimeSpan
    public var openFor: TimeSpan

    public init(failures: Int, window: TimeSpan, openFor: TimeSpan) {
        self.failures = failures
        self.window = window
        self.openFor = openFor
    }

    /// 5 failures within 30 s; open for 30 s.
    public static let standard = BreakerSettings(failures: 5, window: .seconds(30), openFor: .seconds(30))

    public var description: String { "failures=\(failures),window=\(window),open=\(openFor)" }

    /// A bad settings text, naming where it came from.
    public struct ParseError: Error, Sendable, Hashable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// `failures=5,window=30s,open=30s` over `base`: the keys given replace `base`'s; `place`
    /// names where the text came from.
    public static func parse(_ text: String, over base: BreakerSettings, from place: String) throws(ParseError)
        -> BreakerSettings
    {
        var settings = base
        for part in text.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2 else {
                throw ParseError(message: "\(place): '\(part)' must be key=value (failures, window, open)")
            }
            switch pair[0] {
            case "failures":
                guard let n = Int(pair[1]), n >= 1 else {
                    throw ParseError(message: "\(place): failures must be a whole number of at least 1")
                }
                settings.failures = n
            case "window", "open":
                guard let span = TimeSpan(parsing: pair[1]), span > .zero else {
                    throw ParseError(message: "\(place): \(pair[0]) must be a positive duration such as 30s")
                }
                if pair[0] == "window" { settings.window = span } else { settings.openFor = span }
            default:
                throw ParseError(message: "\(place): unknown key '\(pair[0])' (known: failures, window, open)")
            }
        }
        return settings
    }
}
