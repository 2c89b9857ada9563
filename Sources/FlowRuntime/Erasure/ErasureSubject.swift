import Foundation

/// Whose data an erasure removes: a traveller by WhatsApp number (E.164), or one trip by id.
public enum ErasureSubject: Sendable, Hashable {
    case phone(String)
    case trip(String)

    /// `phone` or `trip`: what the audit keeps of the request.
    public var kind: String {
        switch self {
        case .phone: "phone"
        case .trip: "trip"
        }
    }

    /// The text that identifies the subject inside instances' contexts and timelines: the number
    /// itself, or the trip id as a JSON string (quoted, so `trip-1` does not match `trip-10`).
    public var needle: String {
        switch self {
        case .phone(let phone): phone
        case .trip(let id): "\"\(id)\""
        }
    }

    /// `+` then 7 to 15 digits, the first not 0.
    public static func isE164(_ text: String) -> Bool {
        let digits = text.utf8.dropFirst()
        return text.first == "+" && (7...15).contains(digits.count) && digits.allSatisfy { (48...57).contains($0) }
            && digits.first != 48
    }
}

/// A product's records about travellers: what an erasure finds and removes besides the runtime's
/// instances. The travel product's covers trips, conversations, itineraries, the notification log and
/// users' profiles; a product adding a table of personal data extends it (`docs/runtime.md`).
public protocol PersonalRecords: Sendable {
    /// Where the subject's data is in the runtime's instances: the instances the product's records tie
    /// to it (a trip's flow, the sender of a logged message) and further texts that identify it there.
    func locate(_ subject: ErasureSubject, agency: String?) async throws -> PersonalDataTrace
    /// Removes or anonymises the product's records about the subject; rows by kind (zeros included).
    func erase(_ subject: ErasureSubject, agency: String?) async throws -> [String: Int]
}

/// Where a subject's data is in the runtime's instances (`PersonalRecords.locate`).
public struct PersonalDataTrace: Sendable, Hashable {
    public var instanceIDs: Set<String>
    /// Texts besides `ErasureSubject.needle` whose presence in an instance makes it the subject's.
    public var needles: Set<String>

    public init(instanceIDs: Set<String> = [], needles: Set<String> = []) {
        self.instanceIDs = instanceIDs
        self.needles = needles
    }
}
