/// A flow read from a document, with its source and a stable hash of the source text.
public struct LoadedFlow: Sendable {
    public var flow: Flow
    public var source: SourceFile
    /// FNV-1a 64 of the UTF-8 source text, 16 lowercase hex digits.
    public var contentHash: String

    public init(flow: Flow, source: SourceFile) {
        self.flow = flow
        self.source = source
        self.contentHash = Self.fnv1a64(source.text)
    }

    /// FNV-1a 64 of a string's UTF-8 bytes as 16 lowercase hex digits.
    public static func fnv1a64(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
