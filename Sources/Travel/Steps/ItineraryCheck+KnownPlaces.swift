public import FlowEngine
public import FlowRuntime

extension ItineraryCheck {
    /// The places an itinerary may use (the research's stays and activities, the agency's places):
    /// a planned itinerary must not invent places.
    ///
    /// An item is a place unless its `type` is `transport` or `other`. It names a known place when
    /// its title, or its address, folded (case, accents; punctuation and repeated spaces as one space), equals a known name or
    /// contains it as whole words ("Cena en Casa Lucio" names "Casa Lucio").
    public struct KnownPlaces: Sendable, Hashable {
        /// Item types that are not places (a flight, a transfer, free time).
        public static let exemptTypes: Set<String> = ["transport", "other"]

        /// Folded names, without empty ones.
        public let names: [String]

        public init(names: [String]) {
            self.names = Array(Set(names.map(Self.words).filter { !$0.isEmpty })).sorted()
        }

        /// Whether the folded text equals a known name or contains one as whole words.
        public func contains(_ text: String?) -> Bool {
            let folded = " " + Self.words(text) + " "
            guard folded.count > 2 else { return false }
            return names.contains { folded.contains(" " + $0 + " ") }
        }

        /// Folded text with every run of characters that are not letters or digits as one space.
        static func words(_ text: String?) -> String {
            let folded = ItineraryCheck.folded(text)
            return folded.split { !($0.isLetter || $0.isNumber) }.joined(separator: " ")
        }

        /// The problem with an item, or nil when it is not a place or names a known one.
        func problem(_ item: Value, subject: String) -> String? {
            let type = item["type"]?.stringValue ?? ""
            guard !Self.exemptTypes.contains(type) else { return nil }
            if contains(item["title"]?.stringValue) || contains(item["address"]?.stringValue) { return nil }
            return "\(subject): not a place from the research (use the exact name of a stay or an activity)"
        }
    }
}
