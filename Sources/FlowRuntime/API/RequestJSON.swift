public import FlowEngine
public import NIOCore
import Steps

/// How a JSON request body becomes a `Value`, for every route that takes one: UTF-8 (invalid bytes
/// are refused, not replaced), arrays and objects nested at most `maxDepth` deep (checked on the bytes
/// first, so ten thousand `[` cost a scan, not a deep recursion), read by the one JSON reader
/// (`JSONBody`, as provider answers are: `{"$instant": …}` stays an object), every number finite
/// (`1e400` is refused rather than read as infinity). Each refusal is a 400 naming what is wrong.
public enum RequestJSON {
    /// The deepest nesting of arrays and objects accepted (no route's body comes near it).
    public static let maxDepth = 64

    /// `buffer` as JSON; `what` names the body in the error ("the body of POST /trips").
    /// - Throws: `APIError` 400.
    public static func parse(_ buffer: ByteBuffer, what: String = "the request body") throws -> Value {
        let bytes = Array(buffer.readableBytesView)
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw APIError.badRequest("\(what) must be a JSON document in UTF-8")
        }
        if exceedsDepth(bytes) {
            throw APIError.badRequest("\(what) nests arrays and objects more than \(maxDepth) levels deep")
        }
        guard let value = JSONBody.parse(bytes) else {
            if let field = fieldWithHugeNumber(bytes) {
                throw APIError.badRequest("\(what): '\(field)' is a number beyond a double's range")
            }
            throw APIError.badRequest("\(what) must be a JSON document")
        }
        if let path = nonFinite(value, at: "") {
            throw APIError.badRequest("\(what): '\(path.isEmpty ? "(the whole body)" : path)' is a number too large")
        }
        return value
    }

    /// Whether arrays and objects nest deeper than `maxDepth`. Brackets inside strings do not count.
    static func exceedsDepth(_ bytes: [UInt8]) -> Bool {
        var depth = 0
        var inString = false
        var escaped = false
        for byte in bytes {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                if depth > maxDepth { return true }
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
            default: break
            }
        }
        return false
    }

    /// The key before the first number literal a double cannot hold (`1e400`), which the JSON reader
    /// refuses; `(the whole body)` for a bare one. nil when there is none.
    static func fieldWithHugeNumber(_ bytes: [UInt8]) -> String? {
        var index = 0
        var lastString = "(the whole body)"
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                var end = index + 1
                while end < bytes.count, bytes[end] != UInt8(ascii: "\"") {
                    end += bytes[end] == UInt8(ascii: "\\") ? 2 : 1
                }
                lastString = String(decoding: bytes[(index + 1)..<min(end, bytes.count)], as: UTF8.self)
                index = end + 1
            } else if byte == UInt8(ascii: "-") || (byte >= 0x30 && byte <= 0x39) {
                var end = index
                while end < bytes.count, "0123456789+-.eE".utf8.contains(bytes[end]) { end += 1 }
                if let number = Double(String(decoding: bytes[index..<end], as: UTF8.self)), !number.isFinite {
                    return lastString
                }
                index = end
            } else {
                index += 1
            }
        }
        return nil
    }

    /// The dotted path of the first number that is not finite.
    static func nonFinite(_ value: Value, at path: String) -> String? {
        switch value {
        case .number(let n): return n.isFinite ? nil : path
        case .array(let items):
            for (index, item) in items.enumerated() {
                if let found = nonFinite(item, at: "\(path)[\(index)]") { return found }
            }
            return nil
        case .object(let members):
            for key in members.keys.sorted() {
                if let found = nonFinite(members[key]!, at: path.isEmpty ? key : "\(path).\(key)") { return found }
            }
            return nil
        default: return nil
        }
    }
}
