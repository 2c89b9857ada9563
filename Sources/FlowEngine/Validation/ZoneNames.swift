#if canImport(FoundationEssentials)
import FoundationEssentials
#endif
import Foundation

/// IANA zone names, checked against the system's zone database.
enum ZoneNames {
    static func isKnown(_ identifier: String) -> Bool {
        guard !identifier.isEmpty else { return false }
        return TimeZone(identifier: identifier) != nil
    }
}
