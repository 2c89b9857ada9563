import FlowEngine
import Foundation

/// The opaque `cursor` of `GET /instances` (and the planning API's job lists): base64url of
/// `<created_at epoch ms>.<id>`.
public enum PageCursor {
    /// The instants a cursor may carry: those an ISO-8601 text names (years 0000–9999), which every
    /// stored `created_at` is. A crafted cursor beyond them would overflow where the PostgreSQL store
    /// binds it (microseconds since 2000 in an `Int64`), so it is not a cursor.
    static let instants: ClosedRange<Int64> = -62_167_219_200_000...253_402_300_799_999

    public static func encode(_ cursor: InstanceCursor) -> String {
        Data("\(cursor.createdAt.epochMilliseconds).\(cursor.id)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    public static func decode(_ text: String) -> InstanceCursor? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64), let plain = String(data: data, encoding: .utf8),
              let dot = plain.firstIndex(of: "."), let milliseconds = Int64(plain[..<dot]),
              instants.contains(milliseconds)
        else { return nil }
        let id = String(plain[plain.index(after: dot)...])
        guard !id.isEmpty else { return nil }
        return InstanceCursor(createdAt: Instant(epochMilliseconds: milliseconds), id: id)
    }
}
