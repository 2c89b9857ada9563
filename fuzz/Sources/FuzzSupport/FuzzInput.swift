/// The bytes libFuzzer hands a target, and the shapes the parsers take them in.
public struct FuzzInput {
    public let bytes: UnsafeBufferPointer<UInt8>

    /// Wraps `LLVMFuzzerTestOneInput`'s arguments (libFuzzer may pass a null pointer for no bytes).
    public init(_ data: UnsafePointer<UInt8>?, _ count: Int) {
        bytes = UnsafeBufferPointer(start: count == 0 ? nil : data, count: count)
    }

    /// The bytes as text, invalid UTF-8 replaced by U+FFFD, as an HTTP body becomes a `String`.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    /// The bytes as text only when they are UTF-8, as the file readers (`flowctl`) accept them.
    public var utf8Text: String? { String(validating: bytes, as: UTF8.self) }

    /// The text cut at its first line break: the first line and the rest (empty when there is none).
    public var firstLineAndRest: (String, String) {
        guard let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) else { return (text, "") }
        let first = String(decoding: UnsafeBufferPointer(rebasing: bytes[..<newline]), as: UTF8.self)
        let rest = String(decoding: UnsafeBufferPointer(rebasing: bytes[(newline + 1)...]), as: UTF8.self)
        return (first, rest)
    }
}

/// A property the code under test must keep for every input; a violation stops the run as a crash,
/// so libFuzzer saves the input (`crash-…`) like any trap.
public func invariant(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError("invariant violated: \(message())") }
}
