/// How a plain (unquoted) YAML scalar becomes a value: the YAML 1.2 core schema
/// (null, booleans, integers, floats); everything else is a string.
enum ScalarResolution {
    static func value(of text: String) -> Value {
        // Most scalars are words: only these first characters can start a non-string.
        if let first = text.utf8.first {
            switch first {
            case UInt8(ascii: "n"), UInt8(ascii: "N"), UInt8(ascii: "~"), UInt8(ascii: "t"), UInt8(ascii: "T"),
                UInt8(ascii: "f"), UInt8(ascii: "F"), UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "+"),
                UInt8(ascii: "0")...UInt8(ascii: "9"):
                break
            default: return .string(text)
            }
        }
        let utf8 = text.utf8
        // The longest null, boolean or infinity spelling has 5 bytes; only those starting with a
        // letter, `~` or a dot/sign are compared (a digit cannot start one).
        if utf8.count <= 5, !(utf8.first.map { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) } ?? false) {
            switch text {
            case "", "~", "null", "Null", "NULL": return .null
            case "true", "True", "TRUE": return .bool(true)
            case "false", "False", "FALSE": return .bool(false)
            case ".inf", ".Inf", ".INF", "+.inf": return .number(.infinity)
            case "-.inf", "-.Inf", "-.INF": return .number(-.infinity)
            default: break
            }
        }
        guard let first = utf8.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+")
                || first == UInt8(ascii: ".") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first)
        else { return .string(text) }
        if first == UInt8(ascii: "0"), utf8.count > 2 {
            let second = utf8[utf8.index(after: utf8.startIndex)]
            if second == UInt8(ascii: "x"), let n = Int(text.dropFirst(2), radix: 16) { return .number(Double(n)) }
            if second == UInt8(ascii: "o"), let n = Int(text.dropFirst(2), radix: 8) { return .number(Double(n)) }
        }
        if isDecimal(utf8), let n = Double(text) { return .number(n) }
        return .string(text)
    }

    /// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`, on UTF-8 bytes (every byte of
    /// a non-ASCII character is outside these classes).
    private static func isDecimal(_ utf8: String.UTF8View) -> Bool {
        var index = utf8.startIndex
        let end = utf8.endIndex
        func at(_ i: String.Index) -> UInt8? { i < end ? utf8[i] : nil }
        func isDigit(_ byte: UInt8?) -> Bool { byte.map { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) } ?? false }
        func skipDigits() -> Int {
            var count = 0
            while isDigit(at(index)) { index = utf8.index(after: index); count += 1 }
            return count
        }
        if let sign = at(index), sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") { index = utf8.index(after: index) }
        let digits = skipDigits()
        var fraction = 0
        if at(index) == UInt8(ascii: ".") {
            index = utf8.index(after: index)
            fraction = skipDigits()
        }
        guard digits + fraction > 0 else { return false }
        if let e = at(index), e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            index = utf8.index(after: index)
            if let sign = at(index), sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") { index = utf8.index(after: index) }
            guard skipDigits() > 0 else { return false }
        }
        return index == end
    }
}
