import FlowEngine

/// Itinerary versions in memory, with the durable stores' semantics.
extension InMemoryFlowStore {
    public func saveItinerary(_ draft: ItineraryDraft) async throws -> ItineraryRecord {
        guard try await trip(id: draft.tripID) != nil else {
            throw StoreError(.notFound, "trip '\(draft.tripID)' does not exist")
        }
        let versions = itineraryRows.filter { $0.tripID == draft.tripID }
        if let instance = draft.instanceID,
            let saved = versions.filter({ $0.instanceID == instance }).max(by: { $0.version < $1.version }) {
            return saved
        }
        let record = ItineraryRecord(draft, version: (versions.map(\.version).max() ?? 0) + 1)
        itineraryRows.append(record)
        return record
    }

    public func latestItinerary(tripID: String) async throws -> ItineraryRecord? {
        itineraryRows.filter { $0.tripID == tripID }.max { $0.version < $1.version }
    }
}
