#if canImport(FoundationEssentials)
import FoundationEssentials
#endif
import Foundation

/// IANA zone names, checked against the system's zone database (read once).
enum ZoneNames {
    private static let known: Set<String> = Set(TimeZone.knownTimeZoneIdentifiers)

    static func isKnown(_ identifier: String) -> Bool {
        guard !identifier.isEmpty else { return false }
        if known.contains(identifier) { return true }
        return identifier == "UTC" || identifier == "GMT" || TimeZone(identifier: identifier) != nil
    }
}
