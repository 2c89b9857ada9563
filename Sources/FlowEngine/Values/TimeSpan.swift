/// A signed length of time with millisecond precision (`90s`, `15m`, `2h`, `1d`, `1h30m`).
public struct TimeSpan: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var milliseconds: Int64

    public init(milliseconds: Int64) { self.milliseconds = milliseconds }
    public static func seconds(_ s: Int64) -> TimeSpan { TimeSpan(milliseconds: s * 1000) }
    public static func minutes(_ m: Int64) -> TimeSpan { .seconds(m * 60) }
    public static func hours(_ h: Int64) -> TimeSpan { .seconds(h * 3600) }
    public static func days(_ d: Int64) -> TimeSpan { .seconds(d * 86_400) }
    public static let zero = TimeSpan(milliseconds: 0)

    public var seconds: Double { Double(milliseconds) / 1000 }

    public static func < (lhs: TimeSpan, rhs: TimeSpan) -> Bool { lhs.milliseconds < rhs.milliseconds }
    public static func + (lhs: TimeSpan, rhs: TimeSpan) -> TimeSpan { TimeSpan(milliseconds: lhs.milliseconds + rhs.milliseconds) }
    public static func - (lhs: TimeSpan, rhs: TimeSpan) -> TimeSpan { TimeSpan(milliseconds: lhs.milliseconds - rhs.milliseconds) }
    public static prefix func - (span: TimeSpan) -> TimeSpan { TimeSpan(milliseconds: -span.milliseconds) }
    public static func * (lhs: TimeSpan, rhs: Double) -> TimeSpan { TimeSpan(milliseconds: Int64((Double(lhs.milliseconds) * rhs).rounded())) }

    /// Parses `500ms`, `90s`, `15m`, `2h`, `1d`, `1w` and concatenations such as `1h30m`; an optional leading `-`.
    public init?(parsing text: String) {
        // ASCII text (every flow's durations) is read as bytes; the result is the same as below.
        var text = text
        let ascii: TimeSpan?? = text.withUTF8 { bytes in
            bytes.allSatisfy { $0 < 0x80 } ? .some(Self.parsingASCII(bytes)) : .none
        }
        if let ascii {
            guard let span = ascii else { return nil }
            self = span
            return
        }
        var chars = Substring(text.trimmingSpaces())
        var sign: Int64 = 1
        if chars.first == "-" { sign = -1; chars = chars.dropFirst() }
        guard !chars.isEmpty else { return nil }
        var total: Int64 = 0
        var number: Int64? = nil
        var index = chars.startIndex
        while index < chars.endIndex {
            let c = chars[index]
            if let digit = c.wholeNumberValue, c.isASCII {
                let (product, overflow) = (number ?? 0).multipliedReportingOverflow(by: 10)
                guard !overflow else { return nil }
                number = product + Int64(digit)
                index = chars.index(after: index)
                continue
            }
            guard let n = number else { return nil }
            let rest = chars[index...]
            let unit: Int64
            if rest.hasPrefix("ms") { unit = 1; index = chars.index(index, offsetBy: 2) }
            else {
                switch c {
                case "s": unit = 1000
                case "m": unit = 60_000
                case "h": unit = 3_600_000
                case "d": unit = 86_400_000
                case "w": unit = 604_800_000
                default: return nil
                }
                index = chars.index(after: index)
            }
            let (part, overflow) = n.multipliedReportingOverflow(by: unit)
            guard !overflow else { return nil }
            total += part
            number = nil
        }
        guard number == nil else { return nil }  // a trailing number without a unit
        self.init(milliseconds: sign * total)
    }

    /// `init(parsing:)` over ASCII bytes (spaces as `Character.isWhitespace` has them).
    private static func parsingASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> TimeSpan? {
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0D).contains(byte) }
        var index = 0, end = bytes.count
        while index < end, isSpace(bytes[index]) { index += 1 }
        while end > index, isSpace(bytes[end - 1]) { end -= 1 }
        var sign: Int64 = 1
        if index < end, bytes[index] == UInt8(ascii: "-") { sign = -1; index += 1 }
        guard index < end else { return nil }
        var total: Int64 = 0
        var number: Int64?
        while index < end {
            let byte = bytes[index]
            if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                let (product, overflow) = (number ?? 0).multipliedReportingOverflow(by: 10)
                guard !overflow else { return nil }
                number = product + Int64(byte - UInt8(ascii: "0"))
                index += 1
                continue
            }
            guard let n = number else { return nil }
            let unit: Int64
            if byte == UInt8(ascii: "m"), index + 1 < end, bytes[index + 1] == UInt8(ascii: "s") {
                unit = 1
                index += 2
            } else {
                switch byte {
                case UInt8(ascii: "s"): unit = 1000
                case UInt8(ascii: "m"): unit = 60_000
                case UInt8(ascii: "h"): unit = 3_600_000
                case UInt8(ascii: "d"): unit = 86_400_000
                case UInt8(ascii: "w"): unit = 604_800_000
                default: return nil
                }
                index += 1
            }
            let (part, overflow) = n.multipliedReportingOverflow(by: unit)
            guard !overflow else { return nil }
            total += part
            number = nil
        }
        guard number == nil else { return nil }  // a trailing number without a unit
        return TimeSpan(milliseconds: sign * total)
    }

    /// The shortest canonical text: `1h30m`, `45s`, `0s`, `-15m`.
    public var description: String {
        if milliseconds == 0 { return "0s" }
        var rest = abs(milliseconds)
        var out = milliseconds < 0 ? "-" : ""
        for (unit, name) in [(Int64(86_400_000), "d"), (3_600_000, "h"), (60_000, "m"), (1000, "s"), (1, "ms")] {
            if rest >= unit {
                out += "\(rest / unit)\(name)"
                rest %= unit
            }
        }
        return out
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let ms = try? container.decode(Int64.self) {
            self.init(milliseconds: ms)
            return
        }
        let text = try container.decode(String.self)
        guard let span = TimeSpan(parsing: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "'\(text)' is not a duration")
        }
        self = span
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

extension String {
    func trimmingSpaces() -> Substring {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s = s.dropFirst() }
        while let l = s.last, l.isWhitespace { s = s.dropLast() }
        return s
    }
}
