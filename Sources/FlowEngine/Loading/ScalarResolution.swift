/// How a plain (unquoted) YAML scalar becomes a value: the YAML 1.2 core schema
/// (null, booleans, integers, floats); everything else is a string.
enum ScalarResolution {
    static func value(of text: String) -> Value {
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        case ".inf", ".Inf", ".INF", "+.inf": return .number(.infinity)
        case "-.inf", "-.Inf", "-.INF": return .number(-.infinity)
        default: break
        }
        guard let first = text.unicodeScalars.first, first == "-" || first == "+" || first == "."
                || ("0"..."9").contains(first)
        else { return .string(text) }
        if text.hasPrefix("0x"), let n = Int(text.dropFirst(2), radix: 16) { return .number(Double(n)) }
        if text.hasPrefix("0o"), let n = Int(text.dropFirst(2), radix: 8) { return .number(Double(n)) }
        if isDecimal(text), let n = Double(text) { return .number(n) }
        return .string(text)
    }

    /// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`
    private static func isDecimal(_ text: String) -> Bool {
        var scalars = Substring(text).unicodeScalars[...]
        if let sign = scalars.first, sign == "-" || sign == "+" { scalars = scalars.dropFirst() }
        let digits = scalars.prefix { ("0"..."9").contains($0) }
        scalars = scalars.dropFirst(digits.count)
        var fraction = 0
        if scalars.first == "." {
            scalars = scalars.dropFirst()
            let more = scalars.prefix { ("0"..."9").contains($0) }
            fraction = more.count
            scalars = scalars.dropFirst(more.count)
        }
        guard digits.count + fraction > 0 else { return false }
        if let e = scalars.first, e == "e" || e == "E" {
            scalars = scalars.dropFirst()
            if let sign = scalars.first, sign == "-" || sign == "+" { scalars = scalars.dropFirst() }
            let exponent = scalars.prefix { ("0"..."9").contains($0) }
            guard !exponent.isEmpty else { return false }
            scalars = scalars.dropFirst(exponent.count)
        }
        return scalars.isEmpty
    }
}
