/// A daily time-of-day window such as `20:00-09:00` (it may wrap past midnight).
/// Start is inclusive, end exclusive; equal start and end is an empty window.
public struct TimeWindow: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Minutes after local midnight, 0..<1440.
    public var startMinute: Int
    public var endMinute: Int

    public init(startMinute: Int, endMinute: Int) {
        self.startMinute = startMinute
        self.endMinute = endMinute
    }

    /// Parses `HH:MM-HH:MM` (24-hour clock; `24:00` allowed as an end).
    public init?(parsing text: String) {
        let parts = text.trimmingSpaces().split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let start = Self.minute(of: parts[0]), let end = Self.minute(of: parts[1]) else {
            return nil
        }
        guard start < 1440 else { return nil }
        self.init(startMinute: start, endMinute: end % 1440)
    }

    private static func minute(of text: Substring) -> Int? {
        let pieces = text.trimmingCharacters().split(separator: ":")
        guard pieces.count == 2, pieces[0].count <= 2, pieces[1].count == 2,
              let h = Int(pieces[0]), let m = Int(pieces[1]), (0...24).contains(h), (0..<60).contains(m),
              h < 24 || m == 0
        else { return nil }
        return h * 60 + m
    }

    /// Whether a local minute-of-day falls inside the window.
    public func contains(minuteOfDay minute: Int) -> Bool {
        if startMinute == endMinute { return false }
        if startMinute < endMinute { return minute >= startMinute && minute < endMinute }
        return minute >= startMinute || minute < endMinute
    }

    public var description: String {
        "\(pad(startMinute / 60, 2)):\(pad(startMinute % 60, 2))-\(pad(endMinute / 60, 2)):\(pad(endMinute % 60, 2))"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let window = TimeWindow(parsing: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "'\(text)' is not HH:MM-HH:MM")
        }
        self = window
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

extension Substring {
    fileprivate func trimmingCharacters() -> Substring {
        var s = self
        while let f = s.first, f.isWhitespace { s = s.dropFirst() }
        while let l = s.last, l.isWhitespace { s = s.dropLast() }
        return s
    }
}
