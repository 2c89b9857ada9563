/// Shapes of Twilio identifiers and WhatsApp addresses (contracts README §1.1–§1.2).
public enum TwilioIdentifiers {
    /// `prefix` followed by 32 hex digits: `AC…`, `MG…`, `SK…`, `HX…`, `SM…`.
    public static func isSid(_ text: String, prefix: String) -> Bool {
        guard text.hasPrefix(prefix), text.utf8.count == prefix.utf8.count + 32 else { return false }
        return text.utf8.dropFirst(prefix.utf8.count).allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 | 0x20 >= 97 && $0 | 0x20 <= 102) }
    }

    /// A message SID (`SM…` or `MM…`).
    public static func isMessageSid(_ text: String) -> Bool { isSid(text, prefix: "SM") || isSid(text, prefix: "MM") }

    /// E.164: `+`, then 2 to 15 digits, the first not 0.
    public static func isE164(_ text: String) -> Bool {
        let u = Array(text.utf8)
        guard u.count >= 3, u.count <= 16, u[0] == UInt8(ascii: "+"), u[1] != UInt8(ascii: "0") else { return false }
        return u.dropFirst().allSatisfy { $0 >= 48 && $0 <= 57 }
    }

    /// `whatsapp:+…` for an E.164 number (a `whatsapp:` prefix already present is kept); nil
    /// when the number is not E.164.
    public static func whatsappAddress(_ number: String) -> String? {
        let bare = number.hasPrefix("whatsapp:") ? String(number.dropFirst("whatsapp:".count)) : number
        return isE164(bare) ? "whatsapp:" + bare : nil
    }
}
